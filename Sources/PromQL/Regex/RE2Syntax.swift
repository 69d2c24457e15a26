/// A validator for RE2 regular expression syntax as Go's `regexp/syntax` parses it with Perl flags
/// (what Prometheus uses for `=~` and `!~`), plus the one semantic question the checker needs:
/// whether the fully anchored expression matches the empty string.
///
/// It rejects what RE2 rejects: unbalanced groups, bad escapes (including backreferences), repetition
/// without an operand or stacked repetition, bad repeat counts, bad character classes and ranges,
/// unknown Unicode classes, unsupported Perl groups (lookaround) and bad flags.
enum RE2Syntax {
    /// The parse error message (`missing closing ): ` + "`(`"), or nil when the expression is valid.
    static func validate(_ pattern: [UInt8]) -> String? {
        switch analyze(pattern) {
        case .success: nil
        case .failure(let e): e.description
        }
    }

    /// Whether `^(?s:pattern)$` matches the empty string; nil for an invalid expression.
    static func matchesEmpty(_ pattern: [UInt8]) -> Bool? {
        switch analyze(pattern) {
        case .success(let nullable): nullable
        case .failure: nil
        }
    }

    struct SyntaxError: Error, CustomStringConvertible {
        var code: String
        var expr: String
        var description: String { "\(code): `\(expr)`" }
    }

    static func analyze(_ pattern: [UInt8]) -> Result<Bool, SyntaxError> {
        guard UTF8Decoding.isValid(pattern) else {
            return .failure(SyntaxError(code: "invalid UTF-8", expr: String(decoding: pattern, as: UTF8.self)))
        }
        var parser = RegexParser(String(decoding: pattern, as: UTF8.self))
        do {
            return .success(try parser.parse())
        } catch {
            return .failure(error)
        }
    }
}

/// What the validator keeps of a parsed node: enough to answer nullability and the repeat-size rule.
private struct RNode {
    /// Matches the empty string.
    var nullable: Bool
    /// The largest product of repetition counts along any path below (and including) this node.
    var repeatProduct: Int
}

private enum StackItem {
    case node(RNode)
    case leftParen(savedFlags: RegexFlags)
    case verticalBar
}

private struct RegexFlags: Equatable {
    var foldCase = false
    var oneLine = true
    var dotNL = true
    var nonGreedy = false
}

private struct RegexParser {
    let whole: String
    let runes: [Unicode.Scalar]
    var i = 0
    var stack: [StackItem] = []
    var flags = RegexFlags()
    var openParens = 0
    static let maxNesting = 1000
    static let maxRepeat = 1000

    init(_ pattern: String) {
        whole = pattern
        runes = Array(pattern.unicodeScalars)
    }

    func text(_ from: Int, _ to: Int) -> String {
        var s = ""
        s.unicodeScalars.append(contentsOf: runes[Swift.max(0, from)..<Swift.min(to, runes.count)])
        return s
    }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let j = i + offset
        return j < runes.count ? runes[j] : nil
    }

    static func isAlnum(_ c: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(c) || ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }

    static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": c.value - 0x30
        case "a"..."f": c.value - 0x61 + 10
        case "A"..."F": c.value - 0x41 + 10
        default: nil
        }
    }

    // MARK: Stack

    mutating func push(_ node: RNode) { stack.append(.node(node)) }

    static let literal = RNode(nullable: false, repeatProduct: 1)

    /// Collapses the nodes above the nearest marker into one concatenation.
    mutating func concat() {
        var nullable = true
        var product = 1
        var count = 0
        while let last = stack.last, case .node(let n) = last {
            stack.removeLast()
            nullable = nullable && n.nullable
            product = Swift.max(product, n.repeatProduct)
            count += 1
        }
        stack.append(.node(RNode(nullable: count == 0 ? true : nullable, repeatProduct: product)))
    }

    /// Collapses `concat | concat | ...` down to the nearest left parenthesis (or the bottom).
    mutating func alternate() -> (node: RNode, paren: RegexFlags?) {
        var nullable = false
        var product = 1
        while let last = stack.last {
            switch last {
            case .node(let n):
                stack.removeLast()
                nullable = nullable || n.nullable
                product = Swift.max(product, n.repeatProduct)
            case .verticalBar:
                stack.removeLast()
            case .leftParen(let saved):
                stack.removeLast()
                return (RNode(nullable: nullable, repeatProduct: product), saved)
            }
        }
        return (RNode(nullable: nullable, repeatProduct: product), nil)
    }

    // MARK: Parse

    mutating func parse() throws(RE2Syntax.SyntaxError) -> Bool {
        var lastRepeat: Int?
        while i < runes.count {
            var repeatStart: Int?
            let c = runes[i]
            switch c {
            case "(":
                if peek(1) == "?" {
                    try parsePerlFlags()
                } else {
                    try openGroup()
                    i += 1
                }
            case "|":
                concat()
                stack.append(.verticalBar)
                i += 1
            case ")":
                concat()
                let (node, saved) = alternate()
                guard let saved else {
                    throw RE2Syntax.SyntaxError(code: "unexpected )", expr: whole)
                }
                flags = saved
                openParens -= 1
                push(node)
                i += 1
            case "^", "$", ".":
                push(c == "." ? RegexParser.literal : RNode(nullable: true, repeatProduct: 1))
                i += 1
            case "[":
                try parseClass()
                push(RegexParser.literal)
            case "*", "+", "?":
                let start = i
                i += 1
                try applyRepeat(
                    min: c == "+" ? 1 : 0, max: c == "?" ? 1 : -1, start: start, lastRepeat: lastRepeat,
                    countForm: false)
                repeatStart = start
            case "{":
                let start = i
                if let (min, max, end) = parseRepeatCount() {
                    if min < 0 || min > RegexParser.maxRepeat || max > RegexParser.maxRepeat || (max >= 0 && min > max)
                    {
                        throw RE2Syntax.SyntaxError(code: "invalid repeat count", expr: text(start, end))
                    }
                    i = end
                    try applyRepeat(min: min, max: max, start: start, lastRepeat: lastRepeat, countForm: true)
                    repeatStart = start
                } else {
                    push(RegexParser.literal)
                    i += 1
                }
            case "\\":
                try parseBackslash()
            default:
                push(RegexParser.literal)
                i += 1
            }
            lastRepeat = repeatStart
        }
        concat()
        let (node, saved) = alternate()
        if saved != nil {
            throw RE2Syntax.SyntaxError(code: "missing closing )", expr: whole)
        }
        return node.nullable
    }

    mutating func openGroup() throws(RE2Syntax.SyntaxError) {
        openParens += 1
        if openParens > RegexParser.maxNesting {
            throw RE2Syntax.SyntaxError(code: "expression nests too deeply", expr: whole)
        }
        stack.append(.leftParen(savedFlags: flags))
    }

    mutating func applyRepeat(min: Int, max: Int, start: Int, lastRepeat: Int?, countForm: Bool)
        throws(RE2Syntax.SyntaxError)
    {
        if peek() == "?" { i += 1 }
        if let lastRepeat {
            throw RE2Syntax.SyntaxError(code: "invalid nested repetition operator", expr: text(lastRepeat, i))
        }
        guard let top = stack.last, case .node(let sub) = top else {
            throw RE2Syntax.SyntaxError(code: "missing argument to repetition operator", expr: text(start, i))
        }
        let m = max == -1 ? min : max
        let product = m == 0 ? 0 : Swift.min(m * Swift.max(1, sub.repeatProduct), 1_000_001)
        if countForm && (min >= 2 || max >= 2) && product > RegexParser.maxRepeat {
            throw RE2Syntax.SyntaxError(code: "invalid repeat count", expr: text(start, i))
        }
        stack[stack.count - 1] = .node(RNode(nullable: min == 0 || sub.nullable, repeatProduct: product))
    }

    /// `{n}`, `{n,}`, `{n,m}`; nil when the brace is a literal.
    func parseRepeatCount() -> (Int, Int, Int)? {
        var j = i + 1
        func parseInt() -> Int?? {
            guard j < runes.count, ("0"..."9").contains(runes[j]) else { return nil }
            if runes[j] == "0", j + 1 < runes.count, ("0"..."9").contains(runes[j + 1]) { return nil }
            var n = 0
            while j < runes.count, ("0"..."9").contains(runes[j]) {
                if n >= 100_000_000 {
                    n = -1
                } else if n >= 0 {
                    n = n * 10 + Int(runes[j].value - 0x30)
                }
                j += 1
            }
            return .some(n)
        }
        guard case .some(let min)? = parseInt() else { return nil }
        var max = min
        guard j < runes.count else { return nil }
        var minValue = min
        if runes[j] == "," {
            j += 1
            guard j < runes.count else { return nil }
            if runes[j] == "}" {
                max = -1
            } else {
                guard case .some(let parsed)? = parseInt() else { return nil }
                max = parsed
                if parsed < 0 { minValue = -1 }
            }
        }
        guard j < runes.count, runes[j] == "}" else { return nil }
        return (minValue, max, j + 1)
    }

    // MARK: Groups and flags

    mutating func parsePerlFlags() throws(RE2Syntax.SyntaxError) {
        let start = i
        // Named captures: (?P<name>re) and (?<name>re).
        if (runes.count - i > 4 && runes[i + 2] == "P") || (runes.count - i > 3 && runes[i + 2] == "<") {
            let begin = runes[i + 2] == "<" ? i + 3 : i + 4
            if runes[i + 2] == "P" && runes[i + 3] != "<" {
                throw RE2Syntax.SyntaxError(code: "invalid or unsupported Perl syntax", expr: text(start, i + 3))
            }
            guard let end = runes[begin...].firstIndex(of: ">") else {
                throw RE2Syntax.SyntaxError(code: "invalid named capture", expr: text(start, runes.count))
            }
            let name = runes[begin..<end]
            let valid = !name.isEmpty && name.allSatisfy { RegexParser.isAlnum($0) || $0 == "_" }
            guard valid else {
                throw RE2Syntax.SyntaxError(code: "invalid named capture", expr: text(start, end + 1))
            }
            i = end + 1
            try openGroup()
            return
        }
        i += 2
        var newFlags = flags
        var negated = false
        var sawFlag = false
        while i < runes.count {
            let c = runes[i]
            i += 1
            switch c {
            case "i":
                newFlags.foldCase = !negated
                sawFlag = true
            case "m":
                newFlags.oneLine = negated
                sawFlag = true
            case "s":
                newFlags.dotNL = !negated
                sawFlag = true
            case "U":
                newFlags.nonGreedy = !negated
                sawFlag = true
            case "-":
                if negated {
                    throw RE2Syntax.SyntaxError(code: "invalid or unsupported Perl syntax", expr: text(start, i))
                }
                negated = true
                sawFlag = false
            case ":", ")":
                if negated && !sawFlag {
                    throw RE2Syntax.SyntaxError(code: "invalid or unsupported Perl syntax", expr: text(start, i))
                }
                if c == ":" {
                    try openGroup()
                }
                flags = newFlags
                return
            default:
                throw RE2Syntax.SyntaxError(code: "invalid or unsupported Perl syntax", expr: text(start, i))
            }
        }
        throw RE2Syntax.SyntaxError(code: "invalid or unsupported Perl syntax", expr: text(start, i))
    }

    // MARK: Escapes

    mutating func parseBackslash() throws(RE2Syntax.SyntaxError) {
        if let next = peek(1) {
            switch next {
            case "A", "z", "B":
                i += 2
                push(RNode(nullable: true, repeatProduct: 1))
                return
            case "b":
                i += 2
                push(RNode(nullable: false, repeatProduct: 1))
                return
            case "C":
                throw RE2Syntax.SyntaxError(code: "invalid escape sequence", expr: text(i, i + 2))
            case "Q":
                i += 2
                var sawLiteral = false
                while i < runes.count {
                    if runes[i] == "\\" && peek(1) == "E" {
                        i += 2
                        break
                    }
                    sawLiteral = true
                    push(RegexParser.literal)
                    i += 1
                }
                if !sawLiteral { return }
                return
            case "p", "P":
                try parseUnicodeClass()
                push(RegexParser.literal)
                return
            case "d", "D", "s", "S", "w", "W":
                i += 2
                push(RegexParser.literal)
                return
            default:
                break
            }
        }
        _ = try parseEscape()
        push(RegexParser.literal)
    }

    /// Parses a single-character escape at `i` (which is a backslash) and returns the character.
    mutating func parseEscape() throws(RE2Syntax.SyntaxError) -> UInt32 {
        let start = i
        i += 1
        guard i < runes.count else {
            throw RE2Syntax.SyntaxError(code: "trailing backslash at end of expression", expr: "")
        }
        let c = runes[i]
        i += 1
        if c.value < 0x80 && !RegexParser.isAlnum(c) { return c.value }
        switch c {
        case "1"..."7":
            // A lone non-zero digit is a backreference, which RE2 does not support.
            guard let next = peek(), ("0"..."7").contains(next) else { break }
            fallthrough
        case "0":
            var value = c.value - 0x30
            for _ in 1..<3 {
                guard let d = peek(), ("0"..."7").contains(d) else { break }
                value = value * 8 + d.value - 0x30
                i += 1
            }
            return value
        case "x":
            guard let first = peek() else { break }
            i += 1
            if first == "{" {
                var digits = 0
                var value: UInt32 = 0
                while true {
                    guard let d = peek() else {
                        throw RE2Syntax.SyntaxError(code: "invalid escape sequence", expr: text(start, i))
                    }
                    i += 1
                    if d == "}" { break }
                    guard let v = RegexParser.hexValue(d) else {
                        throw RE2Syntax.SyntaxError(code: "invalid escape sequence", expr: text(start, i))
                    }
                    value = value * 16 + v
                    digits += 1
                    if value > 0x10FFFF {
                        throw RE2Syntax.SyntaxError(code: "invalid escape sequence", expr: text(start, i))
                    }
                }
                guard digits > 0 else {
                    throw RE2Syntax.SyntaxError(code: "invalid escape sequence", expr: text(start, i))
                }
                return value
            }
            guard let second = peek() else {
                throw RE2Syntax.SyntaxError(code: "invalid escape sequence", expr: text(start, i))
            }
            i += 1
            guard let x = RegexParser.hexValue(first), let y = RegexParser.hexValue(second) else {
                throw RE2Syntax.SyntaxError(code: "invalid escape sequence", expr: text(start, i))
            }
            return x * 16 + y
        case "a": return 7
        case "f": return 12
        case "n": return 10
        case "r": return 13
        case "t": return 9
        case "v": return 11
        default:
            break
        }
        throw RE2Syntax.SyntaxError(code: "invalid escape sequence", expr: text(start, i))
    }

    // MARK: Character classes

    /// `\pL`, `\p{Greek}`, `\PL`, `\p{^Greek}` at `i`.
    mutating func parseUnicodeClass() throws(RE2Syntax.SyntaxError) {
        let start = i
        i += 2
        var name: String
        if let c = peek(), c != "{" {
            i += 1
            name = String(Character(c))
        } else if peek() == "{" {
            guard let close = runes[i...].firstIndex(of: "}") else {
                throw RE2Syntax.SyntaxError(code: "invalid character class range", expr: text(start, runes.count))
            }
            name = text(i + 1, close)
            i = close + 1
        } else {
            name = ""
        }
        if name.hasPrefix("^") { name.removeFirst() }
        guard UnicodeClassNames.contains(name) else {
            throw RE2Syntax.SyntaxError(code: "invalid character class range", expr: text(start, i))
        }
    }

    static let posixClasses: Set<String> = [
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper",
        "word", "xdigit",
    ]

    mutating func parseClass() throws(RE2Syntax.SyntaxError) {
        let classStart = i
        i += 1
        if peek() == "^" { i += 1 }
        var first = true
        while i >= runes.count || runes[i] != "]" || first {
            first = false
            guard i < runes.count else {
                throw RE2Syntax.SyntaxError(code: "missing closing ]", expr: text(classStart, runes.count))
            }
            // POSIX [:alpha:].
            if runes.count - i > 2 && runes[i] == "[" && runes[i + 1] == ":" {
                if let close = findColonBracket(from: i + 2) {
                    var name = text(i + 2, close)
                    if name.hasPrefix("^") { name.removeFirst() }
                    guard RegexParser.posixClasses.contains(name) else {
                        throw RE2Syntax.SyntaxError(code: "invalid character class range", expr: text(i, close + 2))
                    }
                    i = close + 2
                    continue
                }
            }
            if runes[i] == "\\", let next = peek(1) {
                if next == "p" || next == "P" {
                    try parseUnicodeClass()
                    continue
                }
                if "dDsSwW".unicodeScalars.contains(next) {
                    i += 2
                    continue
                }
            }
            let rangeStart = i
            let lo = try parseClassChar(classStart: classStart)
            var hi = lo
            if runes.count - i >= 2 && runes[i] == "-" && runes[i + 1] != "]" {
                i += 1
                hi = try parseClassChar(classStart: classStart)
                if hi < lo {
                    throw RE2Syntax.SyntaxError(code: "invalid character class range", expr: text(rangeStart, i))
                }
            }
        }
        i += 1
    }

    func findColonBracket(from start: Int) -> Int? {
        var j = start
        while j + 1 < runes.count {
            if runes[j] == ":" && runes[j + 1] == "]" { return j }
            j += 1
        }
        return nil
    }

    mutating func parseClassChar(classStart: Int) throws(RE2Syntax.SyntaxError) -> UInt32 {
        guard i < runes.count else {
            throw RE2Syntax.SyntaxError(code: "missing closing ]", expr: text(classStart, runes.count))
        }
        if runes[i] == "\\" { return try parseEscape() }
        let c = runes[i]
        i += 1
        return c.value
    }
}

/// Unicode class names Go's regexp accepts in `\p{...}`: general categories, scripts and `Any`.
private enum UnicodeClassNames {
    static func contains(_ name: String) -> Bool { names.contains(name) }

    static let names: Set<String> = [
        "Any",
        "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No",
        "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
        "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese", "Bamum", "Bassa_Vah",
        "Batak", "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid", "Canadian_Aboriginal",
        "Carian", "Caucasian_Albanian", "Chakma", "Cham", "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform",
        "Cypriot", "Cypro_Minoan", "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan",
        "Egyptian_Hieroglyphs", "Elbasan", "Elymaic", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha",
        "Greek", "Gujarati", "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul", "Hanifi_Rohingya", "Hanunoo", "Hatran",
        "Hebrew", "Hiragana", "Imperial_Aramaic", "Inherited", "Inscriptional_Pahlavi", "Inscriptional_Parthian",
        "Javanese", "Kaithi", "Kannada", "Katakana", "Kawi", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer",
        "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu", "Linear_A", "Linear_B", "Lisu", "Lycian", "Lydian",
        "Mahajani", "Makasar", "Malayalam", "Mandaic", "Manichaean", "Marchen", "Masaram_Gondi", "Medefaidrin",
        "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive", "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro",
        "Multani", "Myanmar", "Nabataean", "Nag_Mundari", "Nandinagari", "New_Tai_Lue", "Newa", "Nko", "Nushu",
        "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Old_Hungarian", "Old_Italic", "Old_North_Arabian",
        "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian", "Old_Turkic", "Old_Uyghur", "Oriya", "Osage",
        "Osmanya", "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau", "Phags_Pa", "Phoenician", "Psalter_Pahlavi", "Rejang",
        "Runic", "Samaritan", "Saurashtra", "Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian",
        "Sora_Sompeng", "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa", "Tai_Le", "Tai_Tham",
        "Tai_Viet", "Takri", "Tamil", "Tangsa", "Tangut", "Telugu", "Thaana", "Thai", "Tibetan", "Tifinagh", "Tirhuta",
        "Toto", "Ugaritic", "Vai", "Vithkuqi", "Wancho", "Warang_Citi", "Yezidi", "Yi", "Zanabazar_Square",
    ]
}
