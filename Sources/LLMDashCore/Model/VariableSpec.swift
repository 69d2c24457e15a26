/// A template variable.
public struct VariableSpec: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case datasource, query, custom, interval, constant, textbox
    }

    public enum Hide: String, Sendable, Hashable, CaseIterable {
        case none, label, variable

        var code: Int {
            switch self {
            case .none: 0
            case .label: 1
            case .variable: 2
            }
        }
    }

    public enum Refresh: String, Sendable, Hashable, CaseIterable {
        case never, load, time

        var code: Int {
            switch self {
            case .never: 0
            case .load: 1
            case .time: 2
            }
        }
    }

    public enum Sort: String, Sendable, Hashable, CaseIterable {
        case none, alpha, alphaDesc = "alpha-desc", numeric, numericDesc = "numeric-desc"
        case alphaInsensitive = "alpha-insensitive", alphaInsensitiveDesc = "alpha-insensitive-desc"
        case natural, naturalDesc = "natural-desc"

        var code: Int {
            switch self {
            case .none: 0
            case .alpha: 1
            case .alphaDesc: 2
            case .numeric: 3
            case .numericDesc: 4
            case .alphaInsensitive: 5
            case .alphaInsensitiveDesc: 6
            case .natural: 7
            case .naturalDesc: 8
            }
        }
    }

    public var kind: Kind
    public var name: String
    public var label: String?
    public var description: String?
    public var hide: Hide
    /// datasource: the plugin id; query: the PromQL or `label_values(...)`; constant/textbox: the value.
    public var query: String
    /// custom and interval: the choices.
    public var values: [String]
    public var current: String?
    public var multi: Bool
    public var includeAll: Bool
    public var allValue: String?
    public var refresh: Refresh
    public var sort: Sort
    public var regex: String?
    /// Datasource uid for query variables; nil means the dashboard's.
    public var datasource: String?
    /// interval: add an `auto` option.
    public var auto: Bool
    public var location: SourceLocation?
    public var querySource: ScalarSource?

    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
        self.hide = kind == .constant ? .variable : .none
        self.query = kind == .datasource ? "prometheus" : ""
        self.values = []
        self.multi = false
        self.includeAll = false
        self.refresh = .time
        self.sort = .alpha
        self.auto = false
    }
}
