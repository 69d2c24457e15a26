/// Anything that lowers into a template variable.
public protocol VariableConvertible: Sendable {
    var variable: VariableSpec { get }
}

/// Picks the Prometheus datasource; panels then use `${name}`.
public struct DatasourceVariable: VariableConvertible {
    public var variable: VariableSpec

    public init(
        _ name: String = "datasource", label: String? = "Data source", plugin: String = "prometheus",
        regex: String? = nil, current: String? = nil
    ) {
        variable = VariableSpec(kind: .datasource, name: name)
        variable.label = label
        variable.query = plugin
        variable.regex = regex
        variable.current = current
    }
}

/// Values from a Prometheus query, typically `label_values(metric, label)`.
public struct QueryVariable: VariableConvertible {
    public var variable: VariableSpec

    public init(
        _ name: String, query: String, label: String? = nil, multi: Bool = false, includeAll: Bool = false,
        allValue: String? = nil, refresh: VariableSpec.Refresh = .time, sort: VariableSpec.Sort = .alpha,
        regex: String? = nil, current: String? = nil, datasource: String? = nil, hide: VariableSpec.Hide = .none,
        description: String? = nil
    ) {
        variable = VariableSpec(kind: .query, name: name)
        variable.query = query
        variable.label = label
        variable.multi = multi
        variable.includeAll = includeAll
        variable.allValue = allValue
        variable.refresh = refresh
        variable.sort = sort
        variable.regex = regex
        variable.current = current
        variable.datasource = datasource
        variable.hide = hide
        variable.description = description
    }
}

/// A fixed list of choices.
public struct CustomVariable: VariableConvertible {
    public var variable: VariableSpec

    public init(
        _ name: String, values: [String], label: String? = nil, current: String? = nil, multi: Bool = false,
        includeAll: Bool = false, allValue: String? = nil, hide: VariableSpec.Hide = .none
    ) {
        variable = VariableSpec(kind: .custom, name: name)
        variable.values = values
        variable.label = label
        variable.current = current
        variable.multi = multi
        variable.includeAll = includeAll
        variable.allValue = allValue
        variable.hide = hide
    }
}

/// A choice of time intervals, e.g. a rate window.
public struct IntervalVariable: VariableConvertible {
    public var variable: VariableSpec

    public init(_ name: String, values: [String], label: String? = nil, current: String? = nil, auto: Bool = false) {
        variable = VariableSpec(kind: .interval, name: name)
        variable.values = values
        variable.label = label
        variable.current = current
        variable.auto = auto
    }
}

/// A hidden constant, e.g. a GPU hourly price.
public struct ConstantVariable: VariableConvertible {
    public var variable: VariableSpec

    public init(_ name: String, value: String, label: String? = nil) {
        variable = VariableSpec(kind: .constant, name: name)
        variable.query = value
        variable.label = label
    }
}

/// Free text typed by the viewer.
public struct TextboxVariable: VariableConvertible {
    public var variable: VariableSpec

    public init(_ name: String, value: String = "", label: String? = nil) {
        variable = VariableSpec(kind: .textbox, name: name)
        variable.query = value
        variable.label = label
    }
}
