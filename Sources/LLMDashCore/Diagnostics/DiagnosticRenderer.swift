/// Renders diagnostics the way compilers do: `file:line:column: error: message`, the source line, a caret.
public struct DiagnosticRenderer: Sendable {
    /// Source text per file name, to quote the offending line.
    public var sources: [String: String]
    /// Read source files by name, to quote lines without scanning their text (ahead of `sources`).
    public var files: [String: SourceFile]
    public var useColor: Bool

    public init(sources: [String: String] = [:], files: [SourceFile] = [], useColor: Bool = false) {
        self.sources = sources
        self.files = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        self.useColor = useColor
    }

    public func render(_ diagnostic: Diagnostic) -> String {
        var out = ""
        if let location = diagnostic.location {
            out += "\(location): "
        }
        out += paint(diagnostic.severity.rawValue + ":", diagnostic.severity) + " " + diagnostic.message
        out += " [\(diagnostic.id)]\n"
        if let location = diagnostic.location, let line = quotedLine(location) {
            let gutter = String(location.line)
            out += "\(gutter) | \(line)\n"
            out +=
                String(repeating: " ", count: gutter.count) + " | " + Self.caretPadding(line, column: location.column)
            out += paint("^", diagnostic.severity) + "\n"
        }
        for note in diagnostic.notes {
            out += "  " + paint("note:", .note) + " " + note + "\n"
        }
        return out
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    private func paint(_ text: String, _ severity: Diagnostic.Severity) -> String {
        guard useColor else { return text }
        let code =
            switch severity {
            case .error: "1;31"
            case .warning: "1;33"
            case .note: "1;36"
            }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    /// The line a location points into, from `files` or else `sources`.
    private func quotedLine(_ location: SourceLocation) -> String? {
        guard let file = files[location.file] else {
            return sources[location.file].flatMap { Self.line(location.line, of: $0) }
        }
        guard location.line >= 1, location.line <= file.lineCount else { return nil }
        return Self.clipped(file.line(location.line))
    }

    /// A quoted line cut to 400 bytes' worth of characters.
    static func clipped(_ line: String) -> String {
        line.utf8.count > 400 ? String(line.prefix(400)) : line
    }

    /// The given 1-based line of `text`, without its line break; nil when out of range.
    static func line(_ number: Int, of text: String) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        var start = text.utf8.startIndex
        var index = start
        let utf8 = text.utf8
        while index < utf8.endIndex {
            if utf8[index] == UInt8(ascii: "\n") {
                if current == number { break }
                current += 1
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        guard current == number else { return nil }
        var line = String(Substring(utf8[start..<index]))
        if line.hasSuffix("\r") { line.removeLast() }
        return clipped(line)
    }

    /// Whitespace that lines a caret up under a UTF-8 byte column, keeping tabs as tabs.
    static func caretPadding(_ line: String, column: Int) -> String {
        var pad = ""
        var bytes = 0
        for character in line {
            let width = character.utf8.count
            if bytes + width >= column { break }
            bytes += width
            pad += character == "\t" ? "\t" : " "
        }
        if bytes + 1 < column { pad += String(repeating: " ", count: column - 1 - bytes) }
        return pad
    }
}
