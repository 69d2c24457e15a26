/// Decides how each variable reference is used by scanning the query around it: inside a string or comment,
/// inside braces, brackets or a grouping list, after `offset` or `@`, next to a name, or in expression position.
enum VariableContext {
    struct Use {
        var role: VariableRole
        /// True when the position allows either a number or a name (e.g. a function argument).
        var ambiguous: Bool
    }

    private enum Opener {
        case paren(grouping: Bool)
        case brace
        case bracket
    }

    private static let groupingKeywords: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right"]

    static func roles(of references: [VariableReference], in b: [UInt8]) -> [Use] {
        var uses: [Use] = []
        uses.reserveCapacity(references.count)
        guard !references.isEmpty else { return uses }
        var next = 0
        var i = 0
        var stack: [Opener] = []
        var quote: UInt8 = 0
        var inComment = false
        // The last two significant tokens outside strings, most recent last.
        var previous: [String] = ["", ""]
        func note(_ token: String) {
            previous[0] = previous[1]
            previous[1] = token
        }
        func isWordByte(_ c: UInt8) -> Bool { VariableReference.isWord(c) || c == UInt8(ascii: ":") }

        while i < b.count && next < references.count {
            let ref = references[next]
            if i >= ref.range.lowerBound {
                let use: Use
                if inComment {
                    use = Use(role: .comment, ambiguous: false)
                } else if quote != 0 {
                    use = Use(role: .text, ambiguous: false)
                } else {
                    use = role(of: ref, in: b, stack: stack, previous: previous)
                    note("operand")
                }
                uses.append(use)
                next += 1
                i = ref.range.upperBound
                continue
            }
            let c = b[i]
            if inComment {
                if c == 0x0A || c == 0x0D { inComment = false }
                i += 1
                continue
            }
            if quote != 0 {
                if c == UInt8(ascii: "\\") && quote != UInt8(ascii: "`") {
                    i += 2
                    continue
                }
                if c == quote { quote = 0 }
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
                quote = c
                note("string")
                i += 1
            case UInt8(ascii: "#"):
                inComment = true
                i += 1
            case UInt8(ascii: "("):
                stack.append(.paren(grouping: groupingKeywords.contains(previous[1])))
                note("(")
                i += 1
            case UInt8(ascii: "{"):
                stack.append(.brace)
                note("{")
                i += 1
            case UInt8(ascii: "["):
                stack.append(.bracket)
                note("[")
                i += 1
            case UInt8(ascii: ")"), UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
                note(")")
                i += 1
            case 0x20, 0x09, 0x0A, 0x0D:
                i += 1
            default:
                if isWordByte(c) {
                    let start = i
                    while i < b.count && isWordByte(b[i])
                        && !(next < references.count && i == references[next].range.lowerBound)
                    {
                        i += 1
                    }
                    note(String(decoding: b[start..<i], as: UTF8.self).lowercased())
                } else {
                    note(String(UnicodeScalar(c)))
                    i += 1
                }
            }
        }
        while uses.count < references.count {
            uses.append(Use(role: quote != 0 ? .text : .number, ambiguous: false))
        }
        return uses
    }

    private static func role(of ref: VariableReference, in b: [UInt8], stack: [Opener], previous: [String]) -> Use {
        if case .brace? = stack.last { return Use(role: .identifier, ambiguous: false) }
        if stack.contains(where: { if case .bracket = $0 { return true } else { return false } }) {
            return Use(role: .duration, ambiguous: false)
        }
        let last = previous[1]
        let beforeSign = (last == "+" || last == "-") ? previous[0] : last
        if beforeSign == "offset" { return Use(role: .duration, ambiguous: false) }
        if beforeSign == "@" { return Use(role: .number, ambiguous: false) }
        if case .paren(grouping: true)? = stack.last { return Use(role: .identifier, ambiguous: false) }
        let lo = ref.range.lowerBound
        let hi = ref.range.upperBound
        func isNameByte(_ c: UInt8) -> Bool { VariableReference.isWord(c) || c == UInt8(ascii: ":") }
        if (lo > 0 && isNameByte(b[lo - 1])) || (hi < b.count && isNameByte(b[hi])) {
            return Use(role: .identifier, ambiguous: false)
        }
        var j = hi
        while j < b.count && (b[j] == 0x20 || b[j] == 0x09 || b[j] == 0x0A || b[j] == 0x0D) { j += 1 }
        if j < b.count && (b[j] == UInt8(ascii: "{") || b[j] == UInt8(ascii: "[") || b[j] == UInt8(ascii: "(")) {
            return Use(role: .identifier, ambiguous: false)
        }
        if GrafanaGlobals.durations.contains(ref.name) || ref.name.hasPrefix("__auto_interval_") {
            return Use(role: .duration, ambiguous: false)
        }
        if GrafanaGlobals.numbers.contains(ref.name) { return Use(role: .number, ambiguous: false) }
        return Use(role: .number, ambiguous: true)
    }
}
