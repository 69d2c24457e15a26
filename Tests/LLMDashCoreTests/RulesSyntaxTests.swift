import LLMDashCore
import Testing

/// The small syntaxes inside rule files: Go templates, durations, names.
@Suite struct RulesSyntaxTests {
    /// Templates Go's parser accepts, with Prometheus's variables and functions.
    @Test(arguments: [
        "no actions at all",
        "{ single braces } and }} alone",
        "Instance {{ $labels.instance }} down",
        "{{ $value | humanize }} of {{ $labels.job }}",
        "{{- $labels.instance -}} trimmed",
        "{{/* a comment */}}{{- /* trimmed comment */ -}}",
        "{{ if gt $value 0.5 }}high{{ else if gt $value 0.2 }}medium{{ else }}low{{ end }}",
        "{{ range $i, $s := query \"up\" }}{{ $i }}={{ $s.Value }} {{ end }}",
        "{{ range query \"up\" }}{{ if .Value }}{{ break }}{{ end }}{{ continue }}{{ end }}",
        "{{ with $x := $labels.job }}{{ $x }}{{ else with $labels.instance }}{{ . }}{{ end }}",
        "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
        "{{ define \"t\" }}inner {{ $ }}{{ end }}{{ template \"t\" . }}",
        "{{ block \"b\" . }}default{{ end }}",
        "{{ printf \"%.2f\" $value }} {{ 1e3 }} {{ 0x1F }} {{ -2 }} {{ 'a' }} {{ `raw` }} {{ print nil }}",
        "{{ (query \"up\" | first | value) | humanizePercentage }}",
        "{{ $labels.instance | reReplaceAll \":.*\" \"\" | toUpper }}",
        "{{ $externalURL }}/graph?g0.expr={{ \"up\" | urlquery }} {{ $externalLabels.cluster }}",
        "{{ .Labels.job }} {{ $.Labels.job }}",
        "multi\nline {{ $labels.a\n }}",
        "{{ stripDomain $labels.instance }} {{ humanizeDuration 3.5 }} {{ toTime 0 }}",
        "{{ '\\n' }}{{ '\\x41' }}{{ 'é' }} {{ 1_000 }} {{ 0b101 }} {{ 0o17 }} {{ 2i }} {{ .5 }} {{ 0x1p-2 }}",
        "{{ $x := 1 }}{{ $x.y }} {{ (1).x }} {{ $.x.y }} {{ index $labels \"a\" }} {{ . }}",
    ])
    func acceptedTemplates(_ text: String) {
        #expect(GoTemplateSyntax.check(text) == nil)
    }

    /// Templates Go's parser rejects: the message, and the text at the reported offset.
    @Test(arguments: [
        ("{{ $label.foo }}", "undefined variable \"$label\"", "$label"),
        ("a {{ $labels.x }", "unexpected \"}\" in operand", "}"),
        ("{{ humanise $value }}", "function \"humanise\" not defined", "humanise"),
        ("x {{ $value ", "unclosed action", "{{"),
        ("{{ if $value }}x", "unexpected EOF", "{{ if"),
        ("{{ range $labels }}{{ else }}{{ else }}{{ end }}", "expected end; found {{else}}", "{{ else }}{{ end"),
        ("{{ end }}", "unexpected {{end}}", "{{ end"),
        ("{{ else }}", "unexpected {{else}}", "{{"),
        ("{{ \"abc }}", "unterminated quoted string", "\"abc"),
        ("{{ `abc }}", "unterminated raw quoted string", "`abc"),
        ("{{ 'a }}", "unterminated character constant", "'a"),
        ("{{ (1 }}", "unclosed left paren", "}}"),
        ("{{ 1) }}", "unexpected \")\" in command", ")"),
        ("{{ ) }}", "unexpected \")\" in command", ")"),
        ("{{ 1__0 }}", "illegal number syntax: \"1__0\"", "1__0"),
        ("{{ 08 }}", "illegal number syntax: \"08\"", "08"),
        ("{{ '\\400' }}", "malformed character constant: '\\400'", "'"),
        ("{{ 3x }}", "bad number syntax: \"3x\"", "3x"),
        ("{{ a# }}", "bad character U+0023 '#'", "a#"),
        ("{{ }}", "missing value for command", "}}"),
        ("{{ if }}x{{ end }}", "missing value for if", "}}"),
        ("{{ 1 | 2 }}", "non executable command in pipeline stage 2", "2"),
        ("{{/* open", "unclosed comment", "{{"),
        ("{{/* c */ x}}", "comment ends before closing delimiter", "{{"),
        ("{{ break }}", "{{break}} outside {{range}}", "break"),
        ("{{ range . }}{{ continue 1 }}{{ end }}", "unexpected \"1\" in {{continue}}", "1 }}"),
        ("{{ 'ab' }}", "malformed character constant: 'ab'", "'ab'"),
        ("{{ 0x }}", "illegal number syntax: \"0x\"", "0x"),
        ("{{ .. }}", "unexpected <.> in operand", ". }}"),
        ("{{ define \"a\" }}{{ define \"b\" }}{{ end }}{{ end }}", "unexpected <define> in command", "define \"b"),
        ("{{ block \"x\" }}{{ end }}", "missing value for block clause", "}}"),
        ("{{ define \"t\" }}{{ $labels }}{{ end }}", "undefined variable \"$labels\"", "$labels"),
        ("{{ $x := 1 }}{{ if true }}{{ $y := 2 }}{{ end }}{{ $y }}", "undefined variable \"$y\"", "$y }}"),
        ("{{ template $x }}", "unexpected \"$x\" in template clause", "$x"),
        ("{{ range $a, $b, $c := . }}{{ end }}", "too many declarations in range", ", $c"),
        ("{{ \"a\".x }}", "unexpected . after term \"\\\"a\\\"\"", ".x"),
        ("{{ 1 2 ) }}", "unexpected \")\" in command", ")"),
        ("{{ x := 1 }}", "function \"x\" not defined", "x"),
        ("{{ : }}", "expected :=", ":"),
    ])
    func rejectedTemplates(_ text: String, _ message: String, _ at: String) throws {
        let problem = try #require(GoTemplateSyntax.check(text))
        #expect(problem.message == message)
        let bytes = Array(text.utf8)
        let marker = Array(at.utf8)
        let expected = (0...(bytes.count - marker.count)).first {
            bytes[$0..<($0 + marker.count)].elementsEqual(marker)
        }
        #expect(problem.offset == expected, "\(problem)")
    }

    @Test func nonASCIILettersAreIdentifierCharacters() {
        #expect(GoTemplateSyntax.check("{{ $labels.größe }} {{ $wert := 1 }}{{ $wert }}") == nil)
        #expect(GoTemplateSyntax.check("{{ $labels.x\u{00A7} }}")?.message == "bad character U+00A7 '§'")
    }

    @Test(arguments: [
        ("0", 0), ("0s", 0), ("1ms", 1), ("30s", 30_000), ("5m", 300_000), ("1h30m", 5_400_000), ("2d", 172_800_000),
        ("1w", 604_800_000), ("1y", 31_536_000_000), ("1y2w3d4h5m6s7ms", 33_019_506_007),
    ])
    func validDurations(_ text: String, _ milliseconds: Int64) {
        #expect((try? PrometheusDuration.parse(text).get()) == PrometheusDuration(milliseconds: milliseconds))
    }

    @Test(arguments: [
        ("", "empty duration string"), ("5", "not a valid duration string: \"5\""),
        ("1m1h", "not a valid duration string: \"1m1h\""), ("1m1m", "not a valid duration string: \"1m1m\""),
        ("-1m", "not a valid duration string: \"-1m\""), ("1.5h", "unknown unit \".\" in duration \"1.5h\""),
        ("5x", "unknown unit \"x\" in duration \"5x\""), ("1 m", "unknown unit \" m\" in duration \"1 m\""),
        ("300y", "duration out of range"),
        ("99999999999999999999s", "not a valid duration string: \"99999999999999999999s\""),
    ])
    func invalidDurations(_ text: String, _ message: String) {
        switch PrometheusDuration.parse(text) {
        case .success(let d): Issue.record("\(text) parsed as \(d)")
        case .failure(let error): #expect(error.description == message)
        }
    }

    @Test(arguments: [(0, "0s"), (90_000, "1m30s"), (5_400_000, "1h30m"), (604_800_000, "1w"), (1_001, "1s1ms")])
    func canonicalDurations(_ milliseconds: Int64, _ text: String) {
        #expect(PrometheusDuration(milliseconds: milliseconds).description == text)
    }

    @Test func legacyNames() {
        let legacy = NameValidationScheme.legacy
        for name in ["up", "job:http_requests:rate5m", "_x", ":a", "A9_"] { #expect(legacy.isValidMetricName(name)) }
        for name in ["", "9a", "a-b", "a b", "a.b", "é"] { #expect(!legacy.isValidMetricName(name), "\(name)") }
        for name in ["job", "_x", "a9"] { #expect(legacy.isValidLabelName(name)) }
        for name in ["", "a:b", "1a", "a-b"] { #expect(!legacy.isValidLabelName(name), "\(name)") }
        let utf8 = NameValidationScheme.utf8
        for name in ["a-b", "é", "a.b c"] { #expect(utf8.isValidMetricName(name) && utf8.isValidLabelName(name)) }
        #expect(!utf8.isValidMetricName("") && !utf8.isValidLabelName(""))
    }
}
