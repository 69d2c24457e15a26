/// Checks the syntax of a Go `text/template` the way Prometheus parses an alerting rule's labels and
/// annotations (`template.Expander.ParseTest`): the lexer, block structure (`if`/`range`/`with`/`define`/
/// `block` … `end`), declared variables and known function names. Like Go's parser it stops at the first problem.
///
/// It never executes anything, so type errors and missing fields stay runtime matters, as in Prometheus.
public enum GoTemplateSyntax {
    /// A problem at a UTF-8 byte offset in the template text, worded as Go's parser words it.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "\(offset): \(message)" }
    }

    /// Variables Prometheus defines before an alert's template text.
    public static let alertVariables = ["$labels", "$externalLabels", "$externalURL", "$value"]

    /// Go's built-in template functions and Prometheus's template functions.
    public static let prometheusFunctions: Set<String> = [
        "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery",
        "eq", "ge", "gt", "le", "lt", "ne",
        "query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "safeHtml", "match", "title",
        "toUpper", "toLower", "graphLink", "tableLink", "sortByLabel", "stripPort", "stripDomain", "humanize",
        "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "toTime", "toDuration", "now",
        "pathPrefix", "externalURL", "parseDuration", "urlQueryEscape",
    ]

    /// The first problem in `text`, or nil when Go's parser would accept it.
    public static func check(
        _ text: String, variables: [String] = alertVariables, functions: Set<String> = prometheusFunctions
    ) -> Problem? {
        let bytes = Array(text.utf8)
        // Plain text without actions is always fine: the common case, kept cheap.
        guard bytes.count >= 2, containsLeftDelimiter(bytes) else { return nil }
        var lexer = TemplateLexer(bytes)
        let tokens = lexer.run()
        var parser = TemplateParser(tokens: tokens, input: bytes, variables: ["$"] + variables, functions: functions)
        do throws(TemplateParser.Stop) {
            try parser.parseTop()
            return nil
        } catch {
            return Problem(message: error.message, offset: error.offset)
        }
    }

    static func containsLeftDelimiter(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "{"), bytes[i + 1] == UInt8(ascii: "{") { return true }
            i += 1
        }
        return false
    }
}

// MARK: - Lexer (text/template/parse/lex.go)

struct TemplateToken {
    enum Kind: Equatable {
        case text, leftDelim, rightDelim, space, comment
        case identifier, field, variable, dot, nilValue, bool, number, string, rawString, charConstant
        case pipe, assign, declare, leftParen, rightParen, char
        case keyword(Keyword)
        case error(String)
        case eof
    }

    enum Keyword: String {
        case block, `break`, `continue`, define, `else`, end, `if`, range, template, with
    }

    var kind: Kind
    var start: Int
    var end: Int
    /// Offset of the `{{` of the action this token belongs to (for errors at the end of input).
    var actionStart: Int
}

struct TemplateLexer {
    let bytes: [UInt8]
    var pos = 0
    var start = 0
    var actionStart = 0
    var parenDepth = 0
    var tokens: [TemplateToken] = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func isSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\n")
    }

    func byte(_ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }

    func hasPrefix(_ s: StaticString, at i: Int) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        let p = s.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { return false }
        return true
    }

    /// The scalar at `i` and its width; letters and digits outside ASCII count as alphanumeric, as in Go.
    func scalar(at i: Int) -> (Unicode.Scalar, Int)? {
        guard i < bytes.count else { return nil }
        let b = bytes[i]
        if b < 0x80 { return (Unicode.Scalar(b), 1) }
        let width = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
        var decoder = UTF8()
        var iterator = bytes[i..<min(bytes.count, i + width)].makeIterator()
        if case .scalarValue(let s) = decoder.decode(&iterator) { return (s, width) }
        return (Unicode.Scalar(0xFFFD)!, 1)
    }

    func isAlphaNumeric(at i: Int) -> Bool {
        guard let (s, _) = scalar(at: i) else { return false }
        if s == "_" { return true }
        if s.isASCII { return (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") }
        return s.properties.isAlphabetic || s.properties.numericType == .decimal
    }

    mutating func emit(_ kind: TemplateToken.Kind) {
        tokens.append(TemplateToken(kind: kind, start: start, end: pos, actionStart: actionStart))
        start = pos
    }

    mutating func fail(_ message: String) {
        tokens.append(TemplateToken(kind: .error(message), start: start, end: pos, actionStart: actionStart))
    }

    /// `" -}}"` or `"}}"` at `pos`: (is a right delimiter, with a trim marker).
    func atRightDelim() -> (Bool, Bool) {
        if let b = byte(pos), Self.isSpace(b), byte(pos + 1) == UInt8(ascii: "-"), hasPrefix("}}", at: pos + 2) {
            return (true, true)
        }
        return (hasPrefix("}}", at: pos), false)
    }

    func atTerminator() -> Bool {
        guard let b = byte(pos) else { return true }
        if Self.isSpace(b) { return true }
        switch b {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: ":"), UInt8(ascii: ")"),
            UInt8(ascii: "("):
            return true
        default: return hasPrefix("}}", at: pos)
        }
    }

    mutating func run() -> [TemplateToken] {
        while true {
            // Text up to the next "{{".
            var i = pos
            while i + 1 < bytes.count, !(bytes[i] == UInt8(ascii: "{") && bytes[i + 1] == UInt8(ascii: "{")) { i += 1 }
            if i + 1 >= bytes.count {
                pos = bytes.count
                if pos > start { emit(.text) }
                emit(.eof)
                return tokens
            }
            pos = i
            if pos > start { emit(.text) }
            actionStart = pos
            pos += 2
            if byte(pos) == UInt8(ascii: "-"), let b = byte(pos + 1), Self.isSpace(b) { pos += 2 }
            if hasPrefix("/*", at: pos) {
                guard lexComment() else { return tokens }
                continue
            }
            emit(.leftDelim)
            guard lexInsideAction() else { return tokens }
        }
    }

    /// A `{{/* … */}}` comment; false after an error.
    mutating func lexComment() -> Bool {
        var i = pos + 2
        while i + 1 < bytes.count, !(bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/")) { i += 1 }
        guard i + 1 < bytes.count else {
            start = actionStart
            fail("unclosed comment")
            return false
        }
        pos = i + 2
        let (delim, trim) = atRightDelim()
        guard delim else {
            start = actionStart
            fail("comment ends before closing delimiter")
            return false
        }
        pos += trim ? 4 : 2
        emit(.comment)
        return true
    }

    /// Tokens up to and including the closing `}}`; false after an error.
    mutating func lexInsideAction() -> Bool {
        while true {
            let (delim, trim) = atRightDelim()
            if delim {
                if parenDepth > 0 {
                    fail("unclosed left paren")
                    return false
                }
                if trim { pos += 2 }
                start = pos
                pos += 2
                emit(.rightDelim)
                return true
            }
            guard let b = byte(pos) else {
                start = actionStart
                fail("unclosed action")
                return false
            }
            if Self.isSpace(b) {
                lexSpace()
                continue
            }
            pos += 1
            switch b {
            case UInt8(ascii: "="): emit(.assign)
            case UInt8(ascii: ":"):
                guard byte(pos) == UInt8(ascii: "=") else {
                    fail("expected :=")
                    return false
                }
                pos += 1
                emit(.declare)
            case UInt8(ascii: "|"): emit(.pipe)
            case UInt8(ascii: "\""):
                guard lexQuote(UInt8(ascii: "\""), "unterminated quoted string", kind: .string) else { return false }
            case UInt8(ascii: "'"):
                guard lexQuote(UInt8(ascii: "'"), "unterminated character constant", kind: .charConstant) else {
                    return false
                }
            case UInt8(ascii: "`"):
                while let c = byte(pos), c != UInt8(ascii: "`") { pos += 1 }
                guard byte(pos) != nil else {
                    fail("unterminated raw quoted string")
                    return false
                }
                pos += 1
                emit(.rawString)
            case UInt8(ascii: "$"):
                guard lexFieldOrVariable(.variable) else { return false }
            case UInt8(ascii: "."):
                if let next = byte(pos), next < UInt8(ascii: "0") || next > UInt8(ascii: "9") {
                    guard lexFieldOrVariable(.field) else { return false }
                } else {
                    pos -= 1
                    guard lexNumber() else { return false }
                }
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                pos -= 1
                guard lexNumber() else { return false }
            case UInt8(ascii: "("):
                emit(.leftParen)
                parenDepth += 1
            case UInt8(ascii: ")"):
                // Go emits the paren before the error, so the parser usually reports it first.
                emit(.rightParen)
                parenDepth -= 1
                if parenDepth < 0 {
                    start = pos - 1
                    fail("unexpected right paren")
                    return false
                }
            default:
                pos -= 1
                if isAlphaNumeric(at: pos) {
                    guard lexIdentifier() else { return false }
                } else if b >= 0x20, b < 0x7F {
                    pos += 1
                    emit(.char)
                } else {
                    let (s, width) = scalar(at: pos)!
                    pos += width
                    fail("unrecognized character in action: \(Self.goRune(s))")
                    return false
                }
            }
        }
    }

    mutating func lexSpace() {
        var count = 0
        while let b = byte(pos), Self.isSpace(b) {
            pos += 1
            count += 1
        }
        // A space before "-}}" belongs to the trim marker.
        if byte(pos) == UInt8(ascii: "-"), hasPrefix("}}", at: pos + 1) {
            pos -= 1
            if count == 1 {
                start = pos
                return
            }
        }
        emit(.space)
    }

    mutating func lexQuote(_ quote: UInt8, _ message: String, kind: TemplateToken.Kind) -> Bool {
        while true {
            guard let c = byte(pos), c != UInt8(ascii: "\n") else {
                fail(message)
                return false
            }
            pos += 1
            if c == UInt8(ascii: "\\") {
                guard let e = byte(pos), e != UInt8(ascii: "\n") else {
                    fail(message)
                    return false
                }
                pos += 1
            } else if c == quote {
                emit(kind)
                return true
            }
        }
    }

    mutating func lexFieldOrVariable(_ kind: TemplateToken.Kind) -> Bool {
        if atTerminator() {
            emit(kind == .variable ? .variable : .dot)
            return true
        }
        while isAlphaNumeric(at: pos) { pos += scalar(at: pos)!.1 }
        if !atTerminator() { return badCharacter() }
        emit(kind)
        return true
    }

    mutating func badCharacter() -> Bool {
        let (s, width) = scalar(at: pos)!
        pos += width
        fail("bad character \(Self.goRune(s))")
        return false
    }

    mutating func lexIdentifier() -> Bool {
        while isAlphaNumeric(at: pos) { pos += scalar(at: pos)!.1 }
        if !atTerminator() { return badCharacter() }
        let word = String(decoding: bytes[start..<pos], as: UTF8.self)
        switch word {
        case "true", "false": emit(.bool)
        case "nil": emit(.nilValue)
        default:
            if let keyword = TemplateToken.Keyword(rawValue: word) {
                emit(.keyword(keyword))
            } else {
                emit(.identifier)
            }
        }
        return true
    }

    /// Go's `scanNumber`: sign, base prefix, digits, fraction, exponent, imaginary suffix.
    mutating func lexNumber() -> Bool {
        func accept(_ set: String) -> Bool {
            if let b = byte(pos), set.utf8.contains(b) {
                pos += 1
                return true
            }
            return false
        }
        func acceptRun(_ set: String) { while accept(set) {} }
        _ = accept("+-")
        var digits = "0123456789_"
        if accept("0") {
            if accept("xX") {
                digits = "0123456789abcdefABCDEF_"
            } else if accept("oO") {
                digits = "01234567_"
            } else if accept("bB") {
                digits = "01_"
            }
        }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if digits.utf8.count == 11, accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        if digits.utf8.count == 23, accept("pP") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        _ = accept("i")
        if isAlphaNumeric(at: pos) {
            pos += scalar(at: pos)!.1
            fail("bad number syntax: " + goQuoted(String(decoding: bytes[start..<pos], as: UTF8.self)))
            return false
        }
        emit(.number)
        return true
    }

    /// Go's `%#U`: `U+007D '}'`.
    static func goRune(_ s: Unicode.Scalar) -> String {
        var hex = String(s.value, radix: 16, uppercase: true)
        while hex.utf8.count < 4 { hex = "0" + hex }
        return s.properties.generalCategory == .control ? "U+\(hex)" : "U+\(hex) '\(s)'"
    }
}

// MARK: - Parser (text/template/parse/parse.go)

struct TemplateParser {
    struct Stop: Error {
        var message: String
        var offset: Int
    }

    /// What a list of items ended with.
    enum Terminator { case end, `else`(TemplateToken) }

    let tokens: [TemplateToken]
    let input: [UInt8]
    let end: Int
    var index = 0
    var variables: [String]
    let functions: Set<String>
    var rangeDepth = 0
    /// Offset of the `{{` that opened each block still waiting for its `{{end}}`.
    var openBlocks: [Int] = []

    init(tokens: [TemplateToken], input: [UInt8], variables: [String], functions: Set<String>) {
        self.tokens = tokens
        self.input = input
        self.end = input.count
        self.variables = variables
        self.functions = functions
    }

    func peek() -> TemplateToken { tokens[min(index, tokens.count - 1)] }

    /// The next token; at the end, the last token (EOF or an error) again. `index -= 1` always backs up one.
    mutating func next() -> TemplateToken {
        let t = peek()
        index += 1
        return t
    }

    mutating func nextNonSpace() -> TemplateToken {
        var t = next()
        while t.kind == .space { t = next() }
        return t
    }

    /// The next non-space token, consuming the spaces before it (as Go's `peekNonSpace` does).
    mutating func peekNonSpace() -> TemplateToken {
        let t = nextNonSpace()
        index -= 1
        return t
    }

    func fail(_ message: String, at offset: Int) -> Stop { Stop(message: message, offset: offset) }

    /// Go's `item.String()` for messages such as `unexpected "}" in operand`.
    func describe(_ t: TemplateToken) -> String {
        switch t.kind {
        case .eof: return "EOF"
        case .error(let message): return message
        case .keyword(let k): return "<\(k.rawValue)>"
        case .nilValue: return "<nil>"
        case .dot: return "<.>"
        default:
            let value = string(t)
            if value.utf8.count > 10 { return String(goQuoted(String(value.prefix(10))).dropLast()) + "\"..." }
            return goQuoted(value)
        }
    }

    func tokenBytes(_ t: TemplateToken) -> ArraySlice<UInt8> { input[t.start..<t.end] }

    func string(_ t: TemplateToken) -> String { String(decoding: tokenBytes(t), as: UTF8.self) }

    func unexpected(_ t: TemplateToken, _ context: String) -> Stop {
        if case .error(let message) = t.kind { return fail(message, at: t.start) }
        return fail("unexpected \(describe(t)) in \(context)", at: t.start)
    }

    // MARK: Structure

    mutating func parseTop() throws(Stop) {
        while peek().kind != .eof {
            if peek().kind == .leftDelim {
                let delim = index
                _ = next()
                if nextNonSpace().kind == .keyword(.define) {
                    try parseDefinition(opening: tokens[delim].actionStart)
                    continue
                }
                index = delim
            }
            switch try textOrAction() {
            case .end(let t): throw fail("unexpected {{end}}", at: t.actionStart)
            case .else(let t): throw fail("unexpected {{else}}", at: t.actionStart)
            case .none: break
            }
        }
    }

    enum Item { case none, end(TemplateToken), `else`(TemplateToken) }

    mutating func textOrAction() throws(Stop) -> Item {
        let t = nextNonSpace()
        switch t.kind {
        case .text, .comment: return .none
        case .leftDelim: return try action()
        default: throw unexpected(t, "input")
        }
    }

    /// Items up to `{{end}}` or `{{else}}`.
    mutating func itemList() throws(Stop) -> Terminator {
        while peekNonSpace().kind != .eof {
            switch try textOrAction() {
            case .none: continue
            case .end: return .end
            case .else(let t): return .else(t)
            }
        }
        if case .error(let message) = peekNonSpace().kind { throw fail(message, at: peekNonSpace().start) }
        throw fail("unexpected EOF", at: openBlocks.last ?? end)
    }

    mutating func action() throws(Stop) -> Item {
        let t = nextNonSpace()
        switch t.kind {
        case .keyword(.block): try blockControl(t)
        case .keyword(.break), .keyword(.continue):
            let close = nextNonSpace()
            guard close.kind == .rightDelim else { throw unexpected(close, "{{\(string(t))}}") }
            if rangeDepth == 0 { throw fail("{{\(string(t))}} outside {{range}}", at: t.start) }
        case .keyword(.else):
            let peeked = peekNonSpace()
            if peeked.kind == .keyword(.if) || peeked.kind == .keyword(.with) { return .else(t) }
            let close = nextNonSpace()
            guard close.kind == .rightDelim else { throw unexpected(close, "else") }
            return .else(t)
        case .keyword(.end):
            let close = nextNonSpace()
            guard close.kind == .rightDelim else { throw unexpected(close, "end") }
            return .end(t)
        case .keyword(.if): try control("if", opening: t.actionStart)
        case .keyword(.range): try control("range", opening: t.actionStart)
        case .keyword(.with): try control("with", opening: t.actionStart)
        case .keyword(.template): try templateControl()
        default:
            index -= 1
            try pipeline("command", close: .rightDelim)
        }
        return .none
    }

    /// `if`, `range`, `with`: a pipeline, a list, an optional `else` list (or `else if`/`else with`), `end`.
    mutating func control(_ context: String, opening: Int) throws(Stop) {
        let saved = variables.count
        defer { variables.removeLast(variables.count - saved) }
        openBlocks.append(opening)
        defer { openBlocks.removeLast() }
        try pipeline(context, close: .rightDelim)
        if context == "range" { rangeDepth += 1 }
        let terminator = try itemList()
        if context == "range" { rangeDepth -= 1 }
        guard case .else(let elseToken) = terminator else { return }
        let peeked = peek()
        if context == "if", peeked.kind == .keyword(.if) {
            _ = next()
            try control("if", opening: elseToken.actionStart)
        } else if context == "with", peeked.kind == .keyword(.with) {
            _ = next()
            try control("with", opening: elseToken.actionStart)
        } else {
            if case .else(let again) = try itemList() {
                throw fail("expected end; found {{else}}", at: again.actionStart)
            }
        }
    }

    mutating func templateName(_ context: String) throws(Stop) {
        let name = nextNonSpace()
        guard name.kind == .string || name.kind == .rawString else { throw unexpected(name, context) }
    }

    mutating func templateControl() throws(Stop) {
        try templateName("template clause")
        if nextNonSpace().kind != .rightDelim {
            index -= 1
            try pipeline("template clause", close: .rightDelim)
        }
    }

    /// `{{block "name" pipeline}} … {{end}}`: a template defined and used in place.
    mutating func blockControl(_ t: TemplateToken) throws(Stop) {
        try templateName("block clause")
        try pipeline("block clause", close: .rightDelim)
        try definitionBody(opening: t.actionStart, context: "block clause")
    }

    /// `{{define "name"}} … {{end}}` at the top level.
    mutating func parseDefinition(opening: Int) throws(Stop) {
        try templateName("define clause")
        let close = nextNonSpace()
        guard close.kind == .rightDelim else { throw unexpected(close, "define clause") }
        try definitionBody(opening: opening, context: "define clause")
    }

    /// A separate template: only `$` is defined inside it.
    mutating func definitionBody(opening: Int, context: String) throws(Stop) {
        let outer = variables
        let outerRange = rangeDepth
        variables = ["$"]
        rangeDepth = 0
        openBlocks.append(opening)
        defer {
            variables = outer
            rangeDepth = outerRange
            openBlocks.removeLast()
        }
        if case .else(let t) = try itemList() { throw fail("unexpected {{else}} in \(context)", at: t.actionStart) }
    }

    // MARK: Pipelines

    enum Close { case rightDelim, rightParen }

    mutating func pipeline(_ context: String, close: Close) throws(Stop) {
        let first = peekNonSpace()
        // Declarations: `$x :=`, `$x =`, and `$i, $e :=` in a range.
        var declared = 0
        declarations: while peekNonSpace().kind == .variable {
            let save = index
            let variable = nextNonSpace()
            let following = peekNonSpace()
            if following.kind == .assign || following.kind == .declare {
                _ = nextNonSpace()
                variables.append(string(variable))
            } else if following.kind == .char, tokenBytes(following).first == UInt8(ascii: ",") {
                _ = nextNonSpace()
                variables.append(string(variable))
                declared += 1
                if context == "range", declared < 2 {
                    switch peekNonSpace().kind {
                    case .variable, .rightDelim, .rightParen: continue declarations
                    default: throw fail("range can only initialize variables", at: peekNonSpace().start)
                    }
                }
                throw fail("too many declarations in \(context)", at: following.start)
            } else {
                index = save  // not a declaration: the variable is the first operand
            }
            break
        }
        var commands: [TemplateToken.Kind] = []
        while true {
            let t = nextNonSpace()
            switch t.kind {
            case .rightDelim where close == .rightDelim, .rightParen where close == .rightParen:
                if commands.isEmpty { throw fail("missing value for \(context)", at: first.start) }
                return
            case .bool, .charConstant, .dot, .field, .identifier, .number, .nilValue, .rawString, .string, .variable,
                .leftParen:
                index -= 1
                let head = try command()
                if !commands.isEmpty {
                    switch head {
                    case .bool, .dot, .nilValue, .number, .string, .rawString, .charConstant:
                        throw fail("non executable command in pipeline stage \(commands.count + 1)", at: t.start)
                    default: break
                    }
                }
                commands.append(head)
            default:
                throw unexpected(t, context)
            }
        }
    }

    /// Operands up to `|`, `}}` or `)`; returns the kind of the first operand.
    mutating func command() throws(Stop) -> TemplateToken.Kind {
        var head: TemplateToken.Kind?
        while true {
            _ = peekNonSpace()
            if let kind = try operand(), head == nil { head = kind }
            let t = next()
            switch t.kind {
            case .space: continue
            case .rightDelim, .rightParen: index -= 1
            case .pipe: break
            default: throw unexpected(t, "operand")
            }
            break
        }
        guard let head else { throw fail("empty command", at: peek().start) }
        return head
    }

    mutating func operand() throws(Stop) -> TemplateToken.Kind? {
        let first = peekNonSpace()
        guard let kind = try term() else { return nil }
        if peek().kind == .field {
            switch kind {
            case .bool, .string, .rawString, .number, .charConstant, .nilValue, .dot:
                throw fail("unexpected . after term \(goQuoted(string(first)))", at: peek().start)
            default: break
            }
            while peek().kind == .field { _ = next() }
            return kind == .field || kind == .variable ? kind : .field
        }
        return kind
    }

    mutating func term() throws(Stop) -> TemplateToken.Kind? {
        let t = nextNonSpace()
        switch t.kind {
        case .identifier:
            guard functions.contains(string(t)) else {
                throw fail("function \(goQuoted(string(t))) not defined", at: t.start)
            }
        case .variable:
            guard variables.contains(string(t)) else {
                throw fail("undefined variable \(goQuoted(string(t)))", at: t.start)
            }
        case .number:
            if !Self.isValidNumber(string(t)) {
                throw fail("illegal number syntax: \(goQuoted(string(t)))", at: t.start)
            }
        case .charConstant:
            if !Self.isValidCharConstant(string(t)) {
                throw fail("malformed character constant: \(string(t))", at: t.start)
            }
        case .leftParen:
            try pipeline("parenthesized pipeline", close: .rightParen)
        case .dot, .nilValue, .field, .bool, .string, .rawString:
            break
        default:
            index -= 1
            return nil
        }
        return t.kind
    }

    /// Whether Go's `strconv` reads a number token (`1`, `-2.5e3`, `0x1F`, `0b101`, `0o17`, `1_000`, `2i`).
    static func isValidNumber(_ text: String) -> Bool {
        var body = Substring(text.lowercased())
        if body.hasPrefix("+") || body.hasPrefix("-") { body = body.dropFirst() }
        if body.hasSuffix("i") { body = body.dropLast() }
        var radix = 10
        for (prefix, base) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(prefix) { radix = base }
        // Underscores only between digits, or right after a base prefix.
        let chars = Array(body)
        for (k, c) in chars.enumerated() where c == "_" {
            let before = k > 0 ? chars[k - 1] : " "
            let after = k + 1 < chars.count ? chars[k + 1] : " "
            let afterPrefix = radix != 10 && k == 2
            guard (before.isHexDigit || afterPrefix) && after.isHexDigit else { return false }
        }
        let digits = String(chars.filter { $0 != "_" })
        guard !digits.isEmpty else { return false }
        if radix != 10 {
            let rest = digits.dropFirst(2)
            if radix == 16, rest.contains(".") || rest.contains("p") { return Double(digits) != nil }
            return !rest.isEmpty && Int(rest, radix: radix) != nil
        }
        // A leading zero makes an integer octal.
        if digits.count > 1, digits.hasPrefix("0"), digits.allSatisfy(\.isNumber), !text.hasSuffix("i") {
            return Int(digits, radix: 8) != nil
        }
        return Double(digits) != nil
    }

    /// A character constant holds one character or one escape: `'a'`, `'\n'`, `'\x41'`, `'\u00e9'`.
    static func isValidCharConstant(_ text: String) -> Bool {
        let inner = Array(text.unicodeScalars.dropFirst().dropLast())
        guard let first = inner.first else { return false }
        guard first == "\\" else { return inner.count == 1 && first != "'" }
        guard inner.count >= 2 else { return false }
        let hex: (Int) -> Bool = { n in
            inner.count == 2 + n && inner.dropFirst(2).allSatisfy(\.properties.isASCIIHexDigit)
        }
        switch inner[1] {
        case "a", "b", "f", "n", "r", "t", "v", "\\", "'": return inner.count == 2
        case "x": return hex(2)
        case "u": return hex(4)
        case "U": return hex(8)
        case "0"..."7":
            let octal = String(String.UnicodeScalarView(inner.dropFirst(1)))
            return inner.count == 4 && (Int(octal, radix: 8) ?? 256) < 256
        default: return false
        }
    }
}
