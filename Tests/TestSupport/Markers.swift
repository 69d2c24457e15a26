import LLMDashCore

/// Where test expectations point: `line:column` of the n-th occurrence (1-based) of `marker` in `text`,
/// columns in UTF-8 bytes as llmdash reports them; `"?"` when the marker is missing, so the test fails.
public func markerPosition(of marker: String, occurrence: Int = 1, in text: String) -> String {
    let bytes = Array(text.utf8)
    let needle = Array(marker.utf8)
    var seen = 0
    var i = 0
    while i + needle.count <= bytes.count {
        if bytes[i..<(i + needle.count)].elementsEqual(needle) {
            seen += 1
            if seen == occurrence {
                let line = bytes[..<i].filter { $0 == 10 }.count + 1
                let lineStart = (bytes[..<i].lastIndex(of: 10) ?? -1) + 1
                return "\(line):\(i - lineStart + 1)"
            }
        }
        i += 1
    }
    return "?"
}

/// Diagnostics as `line:column severity id`, the form the located-error tests compare.
public func diagnosticSummary(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.map { d in
        "\(d.location.map { "\($0.line):\($0.column)" } ?? "-") \(d.severity.rawValue) \(d.id)"
    }
}
