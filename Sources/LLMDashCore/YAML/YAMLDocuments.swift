import Yams

/// Parses a YAML file into documents, turning every parser failure into a located diagnostic.
public enum YAMLDocuments {
    /// Deepest nesting of collections accepted. Real specs stay far below; the limit keeps
    /// recursive readers (ours and the YAML composer's) clear of stack exhaustion on hostile input.
    public static let maxDepth = 64

    public static func parse(_ file: SourceFile) -> (documents: [YAMLNode], diagnostics: [Diagnostic]) {
        if let deep = NestingScan.firstTooDeep(file.utf8, limit: maxDepth) {
            return (
                [],
                [
                    .error(
                        "yaml.too-deep", "YAML nests deeper than \(maxDepth) levels", at: file.location(ofByte: deep))
                ]
            )
        }
        do {
            let parser = try Parser(yaml: file.text, resolver: .basic)
            var documents: [YAMLNode] = []
            var budget = 200_000 + 4 * file.utf8.count
            while let node = try parser.nextRoot() {
                documents.append(convert(node, file, &budget))
                if budget < 0 {
                    return ([], [.error("yaml.too-large", "document expands to too many nodes (aliases referring to aliases?)", at: file.location(ofByte: 0))])
                }
            }
            return (documents, [])
        } catch let error as YamlError {
            return ([], [diagnostic(for: error, in: file)])
        } catch {
            return ([], [.error("yaml.syntax", "\(error)", at: file.location(ofByte: 0))])
        }
    }

    static func convert(_ node: Node, _ file: SourceFile, _ budget: inout Int) -> YAMLNode {
        budget -= 1
        if budget < 0 { return .scalar(YAMLScalar(value: "", style: .plain, offset: 0)) }
        let offset = node.mark.map { file.byteOffset(line: $0.line, scalarColumn: $0.column) } ?? 0
        switch node {
        case .scalar(let s):
            let style: ScalarSource.Style =
                switch s.style {
                case .singleQuoted: .singleQuoted
                case .doubleQuoted: .doubleQuoted
                case .literal: .literal
                case .folded: .folded
                default: .plain
                }
            return .scalar(YAMLScalar(value: s.string, style: style, offset: offset))
        case .mapping(let m):
            return .mapping(
                YAMLMapping(
                    pairs: m.map { YAMLPair(key: convert($0.key, file, &budget), value: convert($0.value, file, &budget)) },
                    offset: offset))
        case .sequence(let seq):
            return .sequence(YAMLSequence(items: seq.map { convert($0, file, &budget) }, offset: offset))
        case .alias:
            return .scalar(YAMLScalar(value: "", style: .plain, offset: offset))
        }
    }

    static func diagnostic(for error: YamlError, in file: SourceFile) -> Diagnostic {
        switch error {
        case .reader(let problem, let offset, _, _):
            return .error("yaml.syntax", problem, at: file.location(ofByte: offset ?? 0))
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            var notes: [String] = []
            if let context, context.mark.line != mark.line || context.mark.column != mark.column {
                notes.append(
                    "\(context.text) at \(file.location(line: context.mark.line, scalarColumn: context.mark.column))")
            }
            return .error(
                "yaml.syntax", text, at: file.location(line: mark.line, scalarColumn: mark.column), notes: notes)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let start = file.byteOffset(line: context.mark.line, scalarColumn: context.mark.column)
            let key = duplicates.first ?? ""
            let places = occurrences(ofKey: key, in: file.utf8, from: start)
            let at = places.count > 1 ? places[1] : start
            var notes: [String] = []
            if let first = places.first, places.count > 1 {
                notes.append("first given at \(file.location(ofByte: first))")
            }
            if duplicates.count > 1 { notes.append("also repeated: " + duplicates.dropFirst().joined(separator: ", ")) }
            return .error("spec.duplicate-key", "duplicate key '\(key)'", at: file.location(ofByte: at), notes: notes)
        default:
            return .error("yaml.syntax", "\(error)", at: file.location(ofByte: 0))
        }
    }

    /// Byte offsets where `key` appears as a mapping key (followed by `:`, optionally quoted) after `start`.
    static func occurrences(ofKey key: String, in bytes: [UInt8], from start: Int) -> [Int] {
        let needle = Array(key.utf8)
        guard !needle.isEmpty else { return [] }
        var found: [Int] = []
        var i = max(0, start)
        while i + needle.count <= bytes.count, found.count < 2 {
            if bytes[i..<(i + needle.count)].elementsEqual(needle) {
                let before = i > 0 ? bytes[i - 1] : UInt8(ascii: " ")
                var j = i + needle.count
                if j < bytes.count, bytes[j] == UInt8(ascii: "\""), before == UInt8(ascii: "\"") { j += 1 }
                let boundary = [UInt8(ascii: " "), UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: "\""), 10]
                    .contains(before)
                if boundary, j < bytes.count, bytes[j] == UInt8(ascii: ":") {
                    found.append(before == UInt8(ascii: "\"") ? i - 1 : i)
                }
            }
            i += 1
        }
        return found
    }
}

/// A linear pre-scan that bounds how deeply a YAML text can nest, before any recursive parsing.
enum NestingScan {
    /// The byte offset where nesting first exceeds `limit`, or nil.
    static func firstTooDeep(_ bytes: [UInt8], limit: Int) -> Int? {
        var flowDepth = 0
        var indents: [Int] = []
        var i = 0
        let n = bytes.count
        while i < n {
            // Start of a line: measure indentation and leading "- " markers (each opens a sequence level).
            var indent = 0
            while i < n, bytes[i] == UInt8(ascii: " ") {
                indent += 1
                i += 1
            }
            var lineDepth = 0
            if flowDepth == 0, i < n, bytes[i] != UInt8(ascii: "\n"), bytes[i] != UInt8(ascii: "#") {
                while let last = indents.last, last > indent { indents.removeLast() }
                if indents.last != indent { indents.append(indent) }
                var j = i
                while j + 1 < n, bytes[j] == UInt8(ascii: "-"), bytes[j + 1] == UInt8(ascii: " ") {
                    lineDepth += 1
                    j += 2
                    while j < n, bytes[j] == UInt8(ascii: " ") { j += 1 }
                }
                if indents.count + lineDepth > limit { return i }
            }
            // Rest of the line: count flow brackets outside quotes and comments.
            var quote: UInt8 = 0
            while i < n, bytes[i] != UInt8(ascii: "\n") {
                let b = bytes[i]
                if quote != 0 {
                    if b == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                        i += 1
                    } else if b == quote {
                        quote = 0
                    }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    let prev = i > 0 ? bytes[i - 1] : UInt8(ascii: " ")
                    if prev == UInt8(ascii: " ") || prev == UInt8(ascii: "[") || prev == UInt8(ascii: "{")
                        || prev == UInt8(ascii: ",") || prev == UInt8(ascii: ":")
                    {
                        quote = b
                    }
                } else if b == UInt8(ascii: "#"), i == 0 || bytes[i - 1] == UInt8(ascii: " ") {
                    while i < n, bytes[i] != UInt8(ascii: "\n") { i += 1 }
                    break
                } else if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
                    flowDepth += 1
                    if flowDepth + indents.count + lineDepth > limit { return i }
                } else if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                    flowDepth = max(0, flowDepth - 1)
                }
                i += 1
            }
            i += 1
        }
        return nil
    }
}
