/// A lint: what it flags and why, with examples of both sides that document it and drive its tests
/// (as SwiftLint's rules do).
public struct LintRule: Sendable, Identifiable {
    /// The diagnostic id, e.g. `lint.rate-on-gauge`.
    public var id: String
    /// What is flagged, in one line.
    public var summary: String
    /// Why it matters, and where the lint holds back to avoid false alarms.
    public var rationale: String
    /// Inputs the lint flags, exactly once each, with `↓` (``LintExample/marker``) where the finding points.
    public var triggering: [LintExample]
    /// Inputs it leaves alone.
    public var nonTriggering: [LintExample]

    public init(
        id: String, summary: String, rationale: String, triggering: [LintExample], nonTriggering: [LintExample]
    ) {
        self.id = id
        self.summary = summary
        self.rationale = rationale
        self.triggering = triggering
        self.nonTriggering = nonTriggering
    }
}

/// An input for a lint: a query, a panel or a dashboard spec in YAML, or a layout of panels.
public struct LintExample: Sendable, Hashable, CustomStringConvertible {
    public enum Input: Sendable, Hashable {
        /// A PromQL query (with its legend) in a time series panel of a dashboard on `backend`.
        case query(String, legend: String?, backend: Backend?)
        /// One entry of a dashboard's `panels:` list, written from column 0 (`stat: {title: …}`).
        case panel(String, backend: Backend?)
        /// The body of a dashboard's `spec:`, written from column 0.
        case spec(String)
        /// Panel rectangles on the grid after layout, in dashboard order; a finding points at the last one.
        case layout([GridPos])
    }

    public var input: Input

    /// Marks where the finding points, in a triggering example.
    public static let marker = "↓"

    public static func query(_ expr: String, legend: String? = nil, backend: Backend? = nil) -> LintExample {
        LintExample(input: .query(expr, legend: legend, backend: backend))
    }

    public static func panel(_ yaml: String, backend: Backend? = nil) -> LintExample {
        LintExample(input: .panel(yaml, backend: backend))
    }

    public static func spec(_ yaml: String) -> LintExample { LintExample(input: .spec(yaml)) }

    public static func layout(_ grid: [GridPos]) -> LintExample { LintExample(input: .layout(grid)) }

    public var description: String {
        switch input {
        case .query(let expr, let legend, let backend):
            return (backend.map { "[\($0.rawValue)] " } ?? "") + expr + (legend.map { "  legend: \($0)" } ?? "")
        case .panel(let yaml, let backend):
            return (backend.map { "[\($0.rawValue)] " } ?? "") + yaml
        case .spec(let yaml):
            return yaml
        case .layout(let grid):
            return grid.map { "(\($0.x),\($0.y) \($0.w)×\($0.h))" }.joined(separator: " ")
        }
    }

    /// The example as a complete spec file, without the marker, and the byte offset the marker stood at;
    /// nil for a layout, which no spec can produce.
    public var document: (text: String, marker: Int?)? {
        let header =
            "apiVersion: llmdash/v1\nkind: Dashboard\nmetadata: {uid: lint-example, title: Lint example}\nspec:\n"
        var text: String
        switch input {
        case .query(let expr, let legend, let backend):
            text = header + (backend.map { "  backend: \($0.rawValue)\n" } ?? "")
            text += "  panels:\n    - timeseries:\n        title: Example\n        queries:\n"
            text += "          - expr: |-\n              \(expr)\n"
            if let legend { text += "            legend: '\(legend.replacing("'", with: "''"))'\n" }
        case .panel(let yaml, let backend):
            text = header + (backend.map { "  backend: \($0.rawValue)\n" } ?? "") + "  panels:\n"
            text +=
                "    - " + yaml.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n      ")
            text += "\n"
        case .spec(let yaml):
            text = header + yaml.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        case .layout:
            return nil
        }
        guard let found = text.utf8.firstRange(of: Self.marker.utf8) else { return (text, nil) }
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: found.lowerBound)
        var bytes = Array(text.utf8)
        bytes.removeSubrange(offset..<(offset + Self.marker.utf8.count))
        return (String(decoding: bytes, as: UTF8.self), offset)
    }
}
