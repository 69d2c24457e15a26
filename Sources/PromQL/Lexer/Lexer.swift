/// Splits a PromQL query into tokens, byte by byte.
///
/// The scanner reproduces the state machine of Prometheus's lexer (including its bracket and
/// brace modes), so that the token stream, and with it the set of accepted queries, is the same.
/// The first lexical error ends the stream with an `.error` token; `errorMessage` then says why.
struct Lexer {
    private enum Mode { case statements, durationExpr }

    let input: [UInt8]
    private(set) var pos = 0
    private var start = 0
    private var width = 0
    private var mode: Mode = .statements
    private var parenDepth = 0
    private var braceOpen = false
    private var bracketOpen = false
    private var gotColon = false
    private var gotDuration = false
    private var stringOpen: UInt8 = 0
    private var finished = false

    /// The message of the lexical error, once an `.error` token has been returned.
    private(set) var errorMessage: String?

    init(_ input: [UInt8]) {
        self.input = input
    }

    /// Lexes the whole input. The last token is `.eof` or `.error`.
    static func tokenize(_ input: [UInt8]) -> (tokens: [Token], error: String?) {
        var lexer = Lexer(input)
        var tokens: [Token] = []
        tokens.reserveCapacity(input.count / 3 + 2)
        while true {
            let token = lexer.nextToken()
            tokens.append(token)
            if token.kind == .eof || token.kind == .error { break }
        }
        return (tokens, lexer.errorMessage)
    }

    // MARK: - Primitive moves

    @inline(__always)
    private mutating func next() -> Int32 {
        if pos >= input.count {
            width = 0
            return UTF8Decoding.eof
        }
        let b = input[pos]
        if b < 0x80 {
            width = 1
            pos += 1
            return Int32(b)
        }
        let (r, w) = UTF8Decoding.decodeMultibyte(input, at: pos, first: b)
        width = w
        pos += w
        return r
    }

    @inline(__always)
    private mutating func backup() { pos -= width }

    @inline(__always)
    private mutating func peek() -> Int32 {
        let r = next()
        backup()
        return r
    }

    @inline(__always)
    private func peekByte() -> UInt8? { pos < input.count ? input[pos] : nil }

    @inline(__always)
    private mutating func accept(_ set: (Int32) -> Bool) -> Bool {
        if set(next()) { return true }
        backup()
        return false
    }

    @inline(__always)
    private mutating func make(_ kind: TokenKind) -> Token {
        let token = Token(kind: kind, start: start, end: pos)
        start = pos
        return token
    }

    private mutating func fail(_ message: String) -> Token {
        errorMessage = message
        finished = true
        return Token(kind: .error, start: min(start, input.count), end: max(min(pos, input.count), start))
    }

    // MARK: - Character classes

    @inline(__always) static func isSpace(_ r: Int32) -> Bool { r == 0x20 || r == 0x09 || r == 0x0A || r == 0x0D }
    @inline(__always) static func isDigit(_ r: Int32) -> Bool { r >= 0x30 && r <= 0x39 }
    @inline(__always) static func isAlpha(_ r: Int32) -> Bool {
        r == 0x5F || (r >= 0x61 && r <= 0x7A) || (r >= 0x41 && r <= 0x5A)
    }
    @inline(__always) static func isAlphaNumeric(_ r: Int32) -> Bool { isAlpha(r) || isDigit(r) }
    @inline(__always) static func isHexDigit(_ r: Int32) -> Bool {
        isDigit(r) || (r >= 0x61 && r <= 0x66) || (r >= 0x41 && r <= 0x46)
    }
    @inline(__always) static func isDurationKeywordStart(_ r: Int32) -> Bool {
        // s(tep), r(ange), m(ax_of / in_of), in either case.
        r == 0x73 || r == 0x53 || r == 0x72 || r == 0x52 || r == 0x6D || r == 0x4D
    }

    // MARK: - States

    /// Returns the next token.
    mutating func nextToken() -> Token {
        if finished {
            return Token(kind: .eof, start: input.count, end: input.count)
        }
        while true {
            if let token = step() { return token }
        }
    }

    /// Runs one state transition; returns a token when one was produced.
    private mutating func step() -> Token? {
        switch mode {
        case .durationExpr:
            return lexDurationExpr()
        case .statements:
            return braceOpen ? lexInsideBraces() : lexStatements()
        }
    }

    private mutating func lexStatements() -> Token? {
        if peekByte() == UInt8(ascii: "#") { return lexLineComment() }
        let r = next()
        switch r {
        case UTF8Decoding.eof:
            if parenDepth != 0 { return fail("unclosed left parenthesis") }
            if bracketOpen { return fail("unclosed left bracket") }
            finished = true
            return make(.eof)
        case 0x2C: return make(.comma)
        case 0x20, 0x09, 0x0A, 0x0D:
            skipSpaces()
            return nil
        case 0x2A: return make(.mul)
        case 0x2F: return make(.div)
        case 0x25: return make(.mod)
        case 0x2B: return make(.add)
        case 0x2D: return make(.sub)
        case 0x5E: return make(.pow)
        case 0x3D:  // =
            let t = peek()
            if t == 0x3D {
                _ = next()
                return make(.eqlc)
            }
            if t == 0x7E { return fail("unexpected character after '=': \(UTF8Decoding.quoteRune(t))") }
            return make(.assign)
        case 0x21:  // !
            let t = next()
            if t != 0x3D { return fail("unexpected character after '!': \(UTF8Decoding.quoteRune(t))") }
            return make(.neq)
        case 0x3C:  // <
            let t = peek()
            if t == 0x3D {
                _ = next()
                return make(.lte)
            }
            if t == 0x2F {
                _ = next()
                return make(.trimUpper)
            }
            return make(.lss)
        case 0x3E:  // >
            let t = peek()
            if t == 0x3D {
                _ = next()
                return make(.gte)
            }
            if t == 0x2F {
                _ = next()
                return make(.trimLower)
            }
            return make(.gtr)
        case 0x22, 0x27:  // " '
            stringOpen = UInt8(r)
            return lexString()
        case 0x60:  // `
            stringOpen = UInt8(r)
            return lexRawString()
        case 0x28:  // (
            parenDepth += 1
            return make(.leftParen)
        case 0x29:  // )
            let token = make(.rightParen)
            parenDepth -= 1
            if parenDepth < 0 { return fail("unexpected right parenthesis ')'") }
            return token
        case 0x7B:  // {
            braceOpen = true
            return make(.leftBrace)
        case 0x5B:  // [
            if bracketOpen { return fail("unexpected left bracket '['") }
            gotColon = false
            let token = make(.leftBracket)
            if Lexer.isSpace(peek()) { skipSpaces() }
            bracketOpen = true
            mode = .durationExpr
            return token
        case 0x5D:  // ]
            if !bracketOpen { return fail("unexpected right bracket ']'") }
            bracketOpen = false
            return make(.rightBracket)
        case 0x40:  // @
            return make(.at)
        default:
            if Lexer.isDigit(r) || (r == 0x2E && Lexer.isDigit(peek())) {
                backup()
                return lexNumberOrDuration()
            }
            if Lexer.isAlpha(r) || r == 0x3A {
                if !bracketOpen {
                    backup()
                    return lexKeywordOrIdentifier()
                }
                if r == 0x3A {
                    if gotColon { return fail("unexpected colon ':'") }
                    gotColon = true
                    return make(.colon)
                }
                if Lexer.isDurationKeywordStart(r), let token = scanDurationKeyword() {
                    return token
                }
                return fail("unexpected character: \(UTF8Decoding.quoteRune(r)), expected ':'")
            }
            return fail("unexpected character: \(UTF8Decoding.quoteRune(r))")
        }
    }

    private mutating func lexInsideBraces() -> Token? {
        if peekByte() == UInt8(ascii: "#") { return lexLineComment() }
        let r = next()
        switch r {
        case UTF8Decoding.eof:
            return fail("unexpected end of input inside braces")
        case 0x20, 0x09, 0x0A, 0x0D:
            skipSpaces()
            return nil
        case 0x2C: return make(.comma)
        case 0x22, 0x27:
            stringOpen = UInt8(r)
            return lexString()
        case 0x60:
            stringOpen = UInt8(r)
            return lexRawString()
        case 0x3D:  // =
            if next() == 0x7E { return make(.eqlRegex) }
            backup()
            return make(.assign)
        case 0x21:  // !
            let nr = next()
            if nr == 0x7E { return make(.neqRegex) }
            if nr == 0x3D { return make(.neq) }
            return fail("unexpected character after '!' inside braces: \(UTF8Decoding.quoteRune(nr))")
        case 0x7B:
            return fail("unexpected left brace '{'")
        case 0x7D:
            braceOpen = false
            return make(.rightBrace)
        default:
            if Lexer.isAlpha(r) {
                while Lexer.isAlphaNumeric(next()) {}
                backup()
                return make(.identifier)
            }
            return fail("unexpected character inside braces: \(UTF8Decoding.quoteRune(r))")
        }
    }

    private mutating func lexDurationExpr() -> Token? {
        let r = next()
        switch r {
        case UTF8Decoding.eof:
            return fail("unexpected end of input in duration expression")
        case 0x5D:  // ]
            bracketOpen = false
            gotColon = false
            mode = .statements
            return make(.rightBracket)
        case 0x3A:  // :
            let token = make(.colon)
            if !gotDuration { return fail("unexpected colon before duration in duration expression") }
            if gotColon { return fail("unexpected repeated colon in duration expression") }
            gotColon = true
            return token
        case 0x28:
            parenDepth += 1
            return make(.leftParen)
        case 0x29:
            let token = make(.rightParen)
            parenDepth -= 1
            if parenDepth < 0 { return fail("unexpected right parenthesis ')'") }
            return token
        case 0x20, 0x09, 0x0A, 0x0D:
            skipSpaces()
            return nil
        case 0x2B: return make(.add)
        case 0x2D: return make(.sub)
        case 0x2A: return make(.mul)
        case 0x2F: return make(.div)
        case 0x25: return make(.mod)
        case 0x5E: return make(.pow)
        case 0x2C: return make(.comma)
        default:
            if Lexer.isDurationKeywordStart(r) {
                if let token = scanDurationKeyword() { return token }
                return fail("unexpected character in duration expression: \(UTF8Decoding.quoteRune(r))")
            }
            if Lexer.isDigit(r) || (r == 0x2E && Lexer.isDigit(peek())) {
                backup()
                gotDuration = true
                mode = .statements
                return lexNumberOrDuration()
            }
            return fail("unexpected character in duration expression: \(UTF8Decoding.quoteRune(r))")
        }
    }

    private mutating func skipSpaces() {
        while Lexer.isSpace(peek()) { _ = next() }
        start = pos
    }

    private mutating func lexLineComment() -> Token {
        pos += 1
        while pos < input.count, input[pos] != 0x0A, input[pos] != 0x0D {
            pos += 1
        }
        return make(.comment)
    }

    /// Scans `step`, `range`, `max_of` or `min_of` from `start`; nil if the word is none of them.
    private mutating func scanDurationKeyword() -> Token? {
        while Lexer.isAlpha(next()) {}
        backup()
        guard let kind = Keywords.lookup(input[start..<pos]), Keywords.durationKeywords.values.contains(kind) else {
            return nil
        }
        return make(kind)
    }

    private mutating func lexKeywordOrIdentifier() -> Token {
        var hasColon = false
        while true {
            let r = next()
            if Lexer.isAlphaNumeric(r) { continue }
            if r == 0x3A {
                hasColon = true
                continue
            }
            backup()
            break
        }
        if !hasColon, let kind = Keywords.lookup(input[start..<pos]) {
            if kind == .fill || kind == .fillLeft || kind == .fillRight {
                // Only a keyword when followed by "(", so `fill + fill` still names metrics.
                var i = pos
                while i < input.count, Lexer.isSpace(Int32(input[i])) { i += 1 }
                if i >= input.count || input[i] != UInt8(ascii: "(") { return make(.identifier) }
            }
            return make(kind)
        }
        return make(hasColon ? .metricIdentifier : .identifier)
    }

    // MARK: - Strings

    private mutating func lexString() -> Token {
        while true {
            let r = next()
            if r == 0x5C {  // backslash
                if let message = lexEscape() { return fail(message) }
                continue
            }
            if r == UTF8Decoding.runeError { return fail("invalid UTF-8 rune") }
            if r == UTF8Decoding.eof || r == 0x0A { return fail("unterminated quoted string") }
            if r == Int32(stringOpen) { break }
        }
        return make(.string)
    }

    /// Scans an escape sequence after a backslash; returns an error message if it is invalid.
    private mutating func lexEscape() -> String? {
        var ch = next()
        let n: Int
        let base: UInt32
        let maxValue: UInt32
        switch ch {
        case 0x61, 0x62, 0x66, 0x6E, 0x72, 0x74, 0x76, 0x5C, Int32(stringOpen):
            return nil
        case 0x30...0x37:
            (n, base, maxValue) = (3, 8, 255)
        case 0x78:  // x
            ch = next()
            (n, base, maxValue) = (2, 16, 255)
        case 0x75:  // u
            ch = next()
            (n, base, maxValue) = (4, 16, 0x10FFFF)
        case 0x55:  // U
            ch = next()
            (n, base, maxValue) = (8, 16, 0x10FFFF)
        case UTF8Decoding.eof:
            return "escape sequence not terminated"
        default:
            return "unknown escape sequence \(UTF8Decoding.describeRune(ch))"
        }
        var x: UInt32 = 0
        var remaining = n
        while remaining > 0 {
            let d = Lexer.digitValue(ch)
            if d >= base {
                if ch == UTF8Decoding.eof { return "escape sequence not terminated" }
                return "illegal character \(UTF8Decoding.describeRune(ch)) in escape sequence"
            }
            x = x &* base &+ d
            remaining -= 1
            if remaining > 0 { ch = next() }
        }
        if x > maxValue || (0xD800..<0xE000).contains(x) {
            return "escape sequence is an invalid Unicode code point"
        }
        return nil
    }

    static func digitValue(_ ch: Int32) -> UInt32 {
        switch ch {
        case 0x30...0x39: return UInt32(ch - 0x30)
        case 0x61...0x66: return UInt32(ch - 0x61 + 10)
        case 0x41...0x46: return UInt32(ch - 0x41 + 10)
        default: return 16
        }
    }

    private mutating func lexRawString() -> Token {
        while true {
            let r = next()
            if r == UTF8Decoding.runeError { return fail("invalid UTF-8 rune") }
            if r == UTF8Decoding.eof { return fail("unterminated raw string") }
            if r == Int32(stringOpen) { break }
        }
        return make(.string)
    }

    // MARK: - Numbers and durations

    private mutating func lexNumberOrDuration() -> Token {
        if scanNumber() { return make(.number) }
        if acceptRemainingDuration() {
            backup()
            return make(.duration)
        }
        let text = String(decoding: input[start..<pos], as: UTF8.self)
        return fail("bad number or duration syntax: \(GoQuote.quote(text))")
    }

    private mutating func acceptRemainingDuration() -> Bool {
        func isUnit(_ r: Int32) -> Bool {
            r == 0x73 || r == 0x6D || r == 0x68 || r == 0x64 || r == 0x77 || r == 0x79  // s m h d w y
        }
        func isLaterUnit(_ r: Int32) -> Bool {
            r == 0x73 || r == 0x6D || r == 0x68 || r == 0x64 || r == 0x77
        }
        if !accept(isUnit) { return false }
        _ = accept { $0 == 0x73 }
        while accept(Lexer.isDigit) {
            while accept(Lexer.isDigit) {}
            if !accept(isLaterUnit) { return false }
            _ = accept { $0 == 0x73 }
        }
        return !Lexer.isAlphaNumeric(next())
    }

    /// Scans a number as Prometheus does; the text is not necessarily a valid number.
    private mutating func scanNumber() -> Bool {
        let initialPos = pos
        var hex = false
        if accept({ $0 == 0x30 }) {
            if accept({ $0 == 0x78 || $0 == 0x58 }) {
                _ = accept { $0 == 0x5F }
                hex = true
            }
        }
        let isHex = hex
        let isDigitInPattern: (Int32) -> Bool = { isHex ? Lexer.isHexDigit($0) : Lexer.isDigit($0) }
        let isDot: (Int32) -> Bool = { $0 == 0x2E }
        let isExp: (Int32) -> Bool = { $0 == 0x65 || $0 == 0x45 }
        let isUnderscore: (Int32) -> Bool = { $0 == 0x5F }
        let dotAnti: (Int32) -> Bool = { $0 == 0x5F || $0 == 0x2E }
        let expAnti: (Int32) -> Bool = { $0 == 0x2E || $0 == 0x5F || $0 == 0x65 || $0 == 0x45 }

        _ = accept(isDot)
        _ = accept(isDigitInPattern)
        var dotConsumed = false
        var exponentConsumed = false
        while true {
            let p = peek()
            guard isDigitInPattern(p) || isDot(p) || isUnderscore(p) || isExp(p) else { break }
            if isDot(p) && dotConsumed {
                _ = accept(isDot)
                return false
            }
            if isExp(p) && exponentConsumed {
                _ = accept(isExp)
                return false
            }
            if accept(isDot) {
                dotConsumed = true
                if accept(dotAnti) { return false }
                if hex { return false }
                continue
            }
            if accept(isExp) {
                exponentConsumed = true
                _ = accept { $0 == 0x2B || $0 == 0x2D }
                if accept(expAnti) || peek() == UTF8Decoding.eof { return false }
                continue
            }
            if accept(isUnderscore) {
                if accept(expAnti) || peek() == UTF8Decoding.eof { return false }
                continue
            }
            while accept(isDigitInPattern) {}
        }
        if pos == initialPos { return false }
        return !Lexer.isAlphaNumeric(peek())
    }
}
