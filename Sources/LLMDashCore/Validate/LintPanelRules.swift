import Synchronization

/// `lint.unknown-unit`: a unit Grafana does not know, or a custom unit that renders badly.
enum UnknownUnitLint {
    static let rule = LintRule(
        id: "lint.unknown-unit",
        summary: "A unit id Grafana does not know, or a custom unit that renders badly.",
        rationale: """
            Grafana prints an unknown unit id as a literal suffix, glued to the number (`1532tok/s`). Units are \
            checked against the ids of Grafana's schema and its custom forms `prefix:`, `suffix:`, `si:`, \
            `count:`, `currency:`, `time:` and `bool:`. `suffix: tok/s` (with a space) renders a double space, \
            and `si:` reads a leading SI prefix letter as a prefix (`si:Tokens` is tera + "okens"). Panel units, \
            unit overrides and heatmap axis units are checked.
            """,
        triggering: [
            .panel("stat: {title: Tokens, unit: ↓tok/s, queries: [up]}"),
            .panel("stat: {title: Latency, unit: ↓seconds, queries: [up]}"),
            .panel("stat: {title: Tokens, unit: ↓'suffix: tok/s', queries: [up]}"),
            .panel("stat: {title: Tokens, unit: ↓'si:Tokens', queries: [up]}"),
            .panel(
                """
                timeseries:
                  title: Latency
                  queries: [up]
                  overrides:
                    - ↓match: {byName: p99}
                      set: {unit: msec}
                """),
        ],
        nonTriggering: [
            .panel("stat: {title: Latency, unit: s, queries: [up]}"),
            .panel("stat: {title: KV cache, unit: percentunit, queries: [up]}"),
            .panel("stat: {title: Tokens, unit: 'suffix:tok/s', queries: [up]}"),
            .panel("stat: {title: Tokens, unit: 'si:tok/s', queries: [up]}"),
            .panel("stat: {title: Tokens, unit: 'count:tok', queries: [up]}"),
            .panel("stat: {title: Cost, unit: currencyUSD, queries: [up]}"),
            .panel("stat: {title: Cost, unit: 'prefix:$', queries: [up]}"),
            .panel("stat: {title: Latency, unit: µs, queries: [up]}"),
        ])

    /// Grafana's custom unit forms (`getValueFormat`): the text after the colon is free.
    static let customPrefixes = ["prefix:", "suffix:", "si:", "count:", "currency:", "time:", "bool:"]

    /// SI prefix letters, which `si:` takes from the start of its unit.
    static let siPrefixes: Set<Character> = [
        "f", "p", "n", "µ", "μ", "m", "c", "d", "h", "k", "M", "G", "T", "P", "E", "Z", "Y",
    ]

    /// Names people write for units, and the id Grafana uses.
    static let aliases: [String: String] = [
        "sec": "s", "secs": "s", "second": "s", "seconds": "s", "msec": "ms", "millisecond": "ms",
        "milliseconds": "ms", "us": "µs", "usec": "µs", "microseconds": "µs", "nanoseconds": "ns", "min": "m",
        "minutes": "m", "hour": "h", "hours": "h", "day": "d", "days": "d", "%": "percent", "percentage": "percent",
        "ratio": "percentunit", "B/s": "Bps", "bytes/s": "Bps", "req/s": "reqps", "requests/s": "reqps",
        "W": "watt", "watts": "watt", "J": "joule", "joules": "joule", "°C": "celsius", "C": "celsius",
        "Hz": "hertz", "MiB": "mbytes", "GiB": "gbytes", "USD": "currencyUSD", "$": "currencyUSD",
        "count": "short", "number": "none", "tok/s": "suffix:tok/s", "tokens/s": "suffix:tok/s",
        "tok": "count:tok", "tokens": "count:tok",
    ]

    static func check(_ panel: PanelSpec) -> [Diagnostic] { withUnsafePointer(to: panel) { check($0) } }

    /// The units of a panel's fields, overrides and heatmap axis, read in place.
    static func check(_ panel: UnsafePointer<PanelSpec>) -> [Diagnostic] {
        let location = panel.pointee.location
        var diagnostics: [Diagnostic] = []
        func check(_ unit: String, at location: SourceLocation?) {
            if let problem = problem(with: unit) {
                diagnostics.append(.warning(rule.id, problem.message, at: location, notes: problem.notes))
            }
        }
        if let unit = panel.pointee.field.unit { check(unit, at: panel.pointee.field.unitLocation ?? location) }
        for override in panel.pointee.overrides {
            for property in override.properties where property.id == "unit" {
                if case .string(let unit) = property.value { check(unit, at: override.location ?? location) }
            }
        }
        if let unit = panel.pointee.options.yAxisUnit { check(unit, at: location) }
        return diagnostics
    }

    /// What is wrong with a unit id, if anything.
    static func problem(with unit: String) -> (message: String, notes: [String])? {
        if unit.isEmpty || GrafanaUnits.known.contains(unit) { return nil }
        // Dashboards built from one library repeat the same odd units: work each out once.
        if let known = problems.withLock({ $0[unit] }) { return known }
        let problem = findProblem(with: unit)
        problems.withLock { cache in
            if cache.count < 1024 { cache.updateValue(problem, forKey: unit) }
        }
        return problem
    }

    /// The problems of units seen so far (nil for a unit that has none), by unit; bounded.
    private static let problems = Mutex<[String: (message: String, notes: [String])?]>([:])

    private static func findProblem(with unit: String) -> (message: String, notes: [String])? {
        if let prefix = customPrefixes.first(where: unit.hasPrefix) {
            let text = unit.dropFirst(prefix.count)
            if text.isEmpty {
                return ("unit '\(unit)' has no text after '\(prefix)'", [])
            }
            if prefix == "suffix:", text.first == " " {
                let trimmed = "suffix:" + text.drop { $0 == " " }
                return (
                    "unit '\(unit)' renders with two spaces before the text: Grafana already puts one there",
                    ["write '\(trimmed)'"]
                )
            }
            if prefix == "si:", let first = text.first, siPrefixes.contains(first), text.count > 1 {
                return (
                    "unit '\(unit)' reads '\(first)' as an SI prefix, giving '\(text.dropFirst())' in \(first)-units",
                    ["for a unit that only starts with that letter, write 'count:\(text)' or 'suffix:\(text)'"]
                )
            }
            return nil
        }
        let custom = "suffix:" + unit.drop { $0 == " " }
        var notes: [String] = []
        if let known = aliases[unit] ?? Suggestions.closest(to: unit, in: GrafanaUnits.ids), known != custom {
            notes.append("did you mean '\(known)'?")
        }
        notes.append("Grafana shows an unknown unit as a literal suffix; for custom text write '\(custom)'")
        return ("unknown unit '\(unit)'", notes)
    }
}

/// `lint.thresholds-order`: threshold steps whose values do not ascend.
enum ThresholdsOrderLint {
    static let rule = LintRule(
        id: "lint.thresholds-order",
        summary: "Threshold steps whose values are not in ascending order.",
        rationale: """
            Grafana walks the steps in order and takes the last one a value reaches; out of order, a step can \
            never be reached and values get the wrong colour.
            """,
        triggering: [
            .panel("stat: {title: Errors, thresholds: ↓[green, {red: 2}, {orange: 1}], queries: [up]}")
        ],
        nonTriggering: [
            .panel("stat: {title: Errors, thresholds: [green, {orange: 1}, {red: 2}], queries: [up]}"),
            .panel("stat: {title: Errors, thresholds: [green, {orange: 1}, {red: 1}], queries: [up]}"),
            .panel("stat: {title: Errors, thresholds: [green], queries: [up]}"),
        ])

    static func check(_ panel: PanelSpec) -> [Diagnostic] { withUnsafePointer(to: panel) { check($0) } }

    /// The thresholds of a panel's fields, read in place.
    static func check(_ panel: UnsafePointer<PanelSpec>) -> [Diagnostic] {
        guard let steps = panel.pointee.field.thresholds else { return [] }
        // Ascending unless some value is below one before it (the base step has none).
        var highest = -Double.infinity
        let ascending = steps.allSatisfy { step in
            guard let value = step.value else { return true }
            defer { highest = max(highest, value) }
            return value >= highest
        }
        guard !ascending else { return [] }
        let values = steps.compactMap(\.value)
        return [
            .warning(
                rule.id,
                "threshold values are not in ascending order: "
                    + values.map(JSONWriter.formatDouble).joined(separator: ", "),
                at: panel.pointee.field.thresholdsLocation ?? panel.pointee.location)
        ]
    }
}

/// `lint.overlap`: panels that overlap on the grid or run past its 24 columns.
enum OverlapLint {
    static let rule = LintRule(
        id: "lint.overlap",
        summary: "Panels that overlap each other (row headers included) or run past the 24-column grid.",
        rationale: """
            Grafana moves overlapping panels on load, so the dashboard shown differs from the one written and \
            saving it from the UI rewrites every position. The flow layout never overlaps panels; this guards \
            explicit positions. Collapsed rows' panels are checked too.
            """,
        triggering: [
            .layout([GridPos(x: 0, y: 0, w: 12, h: 8), GridPos(x: 6, y: 4, w: 12, h: 8)]),
            .layout([GridPos(x: 0, y: 0, w: 24, h: 1), GridPos(x: 0, y: 0, w: 6, h: 4)]),
            .layout([GridPos(x: 20, y: 0, w: 8, h: 8)]),
        ],
        nonTriggering: [
            .layout([GridPos(x: 0, y: 0, w: 12, h: 8), GridPos(x: 12, y: 0, w: 12, h: 8)]),
            .layout([GridPos(x: 0, y: 0, w: 24, h: 1), GridPos(x: 0, y: 1, w: 24, h: 8)]),
        ])

    /// A rectangle on the grid: a panel or a row header.
    struct Box: Sendable {
        var isRow: Bool = false
        var title: String
        var grid: GridPos
        var location: SourceLocation?

        var what: String { isRow ? "row '\(title)'" : "panel '\(title)'" }
    }

    /// The overlaps of a resolved dashboard's panels and row headers. Only the grid positions are gathered;
    /// a box's title and location are looked up for the few that are reported.
    static func check(_ dashboard: ResolvedDashboard) -> [Diagnostic] {
        // Where each box is in the dashboard: a top-level panel, a row header, or a panel of a row.
        enum Place {
            case panel(Int)
            case row(Int)
            case rowPanel(Int, Int)
        }
        var grids: [GridPos] = []
        var places: [Place] = []
        let count = dashboard.panels.count + dashboard.rows.reduce(0) { $0 + 1 + $1.panels.count }
        grids.reserveCapacity(count)
        places.reserveCapacity(count)
        // Positions are read in place: a resolved panel holds its whole spec.
        dashboard.panels.withUnsafeBufferPointer { panels in
            for p in panels.indices {
                grids.append(panels[p].grid)
                places.append(.panel(p))
            }
        }
        for (r, row) in dashboard.rows.enumerated() {
            grids.append(row.grid)
            places.append(.row(r))
            row.panels.withUnsafeBufferPointer { panels in
                for p in panels.indices {
                    grids.append(panels[p].grid)
                    places.append(.rowPanel(r, p))
                }
            }
        }
        func box(_ panel: ResolvedPanel) -> Box {
            Box(title: panel.spec.title, grid: panel.grid, location: panel.spec.location)
        }
        return check(grids) { i in
            switch places[i] {
            case .panel(let p):
                return box(dashboard.panels[p])
            case .row(let r):
                let row = dashboard.rows[r]
                return Box(isRow: true, title: row.spec.title, grid: row.grid, location: row.spec.location)
            case .rowPanel(let r, let p):
                return box(dashboard.rows[r].panels[p])
            }
        }
    }

    /// Reports each box that overlaps an earlier one (in dashboard order) once, naming the earliest.
    static func check(_ boxes: [Box]) -> [Diagnostic] {
        check(boxes.map(\.grid)) { boxes[$0] }
    }

    /// The overlap check on grid positions in dashboard order; `box` gives the box at an index, for messages.
    /// A sweep down the grid compares each box only with those still open at its top edge, so the flow
    /// layout's thousands of panels cost a few comparisons each.
    static func check(_ grids: [GridPos], box: (Int) -> Box) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var partner: [Int: Int] = [:]
        // Top to bottom; the flow layout already places them so.
        let inOrder = grids.indices.dropFirst().allSatisfy { grids[$0 - 1].y <= grids[$0].y }
        let order = inOrder ? Array(grids.indices) : grids.indices.sorted { (grids[$0].y, $0) < (grids[$1].y, $1) }
        var open: [Int] = []
        for i in order {
            let g = grids[i]
            open.removeAll { grids[$0].y + grids[$0].h <= g.y }
            for j in open where overlap(grids[j], g) {
                let (later, earlier) = (max(i, j), min(i, j))
                partner[later] = min(partner[later] ?? earlier, earlier)
            }
            open.append(i)
        }
        for (i, g) in grids.enumerated() {
            if g.x < 0 || g.x + g.w > 24 {
                let here = box(i)
                diagnostics.append(
                    .warning(
                        rule.id, "\(here.what) spans columns \(g.x)–\(g.x + g.w), outside the grid's 24 columns",
                        at: here.location))
            } else if let j = partner[i] {
                let here = box(i)
                let other = box(j)
                let o = other.grid
                diagnostics.append(
                    .warning(
                        rule.id, "\(here.what) overlaps \(other.what)", at: here.location,
                        notes: ["\(other.what) is at columns \(o.x)–\(o.x + o.w), rows \(o.y)–\(o.y + o.h)"]))
            }
        }
        return diagnostics
    }

    static func overlap(_ a: GridPos, _ b: GridPos) -> Bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }
}
