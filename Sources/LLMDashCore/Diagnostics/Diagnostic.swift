/// One finding of any stage: an error that stops output, or a warning that `--strict` turns into one.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error, warning, note

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var severity: Severity
    /// A stable identifier such as `spec.unknown-key`, for filtering and for tests.
    public var id: String
    public var message: String
    public var location: SourceLocation?
    /// Extra lines printed under the message (e.g. "did you mean 'title'?").
    public var notes: [String]

    public init(
        _ severity: Severity, id: String, _ message: String, at location: SourceLocation?, notes: [String] = []
    ) {
        self.severity = severity
        self.id = id
        self.message = message
        self.location = location
        self.notes = notes
    }

    public static func error(
        _ id: String, _ message: String, at location: SourceLocation?, notes: [String] = []
    ) -> Diagnostic {
        Diagnostic(.error, id: id, message, at: location, notes: notes)
    }

    public static func warning(
        _ id: String, _ message: String, at location: SourceLocation?, notes: [String] = []
    ) -> Diagnostic {
        Diagnostic(.warning, id: id, message, at: location, notes: notes)
    }

    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(severity.rawValue): \(message) [\(id)]"
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line, column; diagnostics without a location come first, in their original order.
    public func sortedByLocation() -> [Diagnostic] {
        locationOrder().map { self[$0] }
    }

    /// The indices of `sortedByLocation()`, for walking thousands of diagnostics in order without a copy.
    public func locationOrder() -> [Int] {
        indices.sorted { a, b in
            switch (self[a].location, self[b].location) {
            case (nil, nil): return a < b
            case (nil, _): return true
            case (_, nil): return false
            case (let l?, let r?): return l == r ? a < b : l < r
            }
        }
    }
}
