/// The kind of a lexical token, following Prometheus's item types.
enum TokenKind: UInt8, Sendable {
    case eof
    case error
    case comment
    case identifier
    case metricIdentifier
    case number
    case duration
    case string

    case leftParen, rightParen
    case leftBrace, rightBrace
    case leftBracket, rightBracket
    case comma, colon
    case assign  // `=` inside braces (and stray `=` outside)

    // Operators.
    case add, sub, mul, div, mod, pow
    case eqlc, neq, lte, lss, gte, gtr
    case trimUpper, trimLower
    case eqlRegex, neqRegex
    case at
    case land, lor, lunless, atan2

    // Aggregators.
    case sum, avg, count, min, max, group, stddev, stdvar
    case topk, bottomk, countValues, quantile, limitk, limitRatio

    // Keywords.
    case bool, by, without, on, ignoring, groupLeft, groupRight
    case fill, fillLeft, fillRight
    case offset, anchored, smoothed

    // Preprocessors.
    case start, end, step, range, maxOf, minOf

    var isAggregator: Bool {
        switch self {
        case .sum, .avg, .count, .min, .max, .group, .stddev, .stdvar,
            .topk, .bottomk, .countValues, .quantile, .limitk, .limitRatio:
            return true
        default:
            return false
        }
    }

    var isKeyword: Bool {
        switch self {
        case .bool, .by, .without, .on, .ignoring, .groupLeft, .groupRight,
            .fill, .fillLeft, .fillRight, .offset, .anchored, .smoothed:
            return true
        default:
            return false
        }
    }

    var isOperator: Bool {
        switch self {
        case .add, .sub, .mul, .div, .mod, .pow, .eqlc, .neq, .lte, .lss, .gte, .gtr,
            .trimUpper, .trimLower, .eqlRegex, .neqRegex, .at, .land, .lor, .lunless, .atan2:
            return true
        default:
            return false
        }
    }

    /// Tokens the grammar accepts as a metric name (`metric_identifier`).
    var isMetricIdentifier: Bool {
        switch self {
        case .identifier, .metricIdentifier,
            .avg, .bottomk, .by, .count, .countValues, .fill, .fillLeft, .fillRight, .group,
            .land, .lor, .lunless, .max, .min, .offset, .quantile, .stddev, .stdvar, .sum, .topk,
            .without, .start, .end, .limitk, .limitRatio, .step, .range, .anchored, .smoothed,
            .maxOf, .minOf:
            return true
        default:
            return false
        }
    }

    /// Tokens the grammar accepts as a label name in grouping lists (`maybe_label`).
    var isGroupingLabel: Bool {
        switch self {
        case .identifier, .metricIdentifier,
            .avg, .bool, .bottomk, .by, .count, .countValues, .group, .groupLeft, .groupRight,
            .fill, .fillLeft, .fillRight, .ignoring, .land, .lor, .lunless, .max, .min, .offset,
            .on, .quantile, .stddev, .stdvar, .sum, .topk, .start, .end, .atan2, .limitk,
            .limitRatio, .step, .range, .anchored, .smoothed, .maxOf, .minOf:
            return true
        default:
            return false
        }
    }

    /// The canonical spelling of fixed tokens (used in messages).
    var spelling: String? {
        switch self {
        case .leftParen: "("
        case .rightParen: ")"
        case .leftBrace: "{"
        case .rightBrace: "}"
        case .leftBracket: "["
        case .rightBracket: "]"
        case .comma: ","
        case .colon: ":"
        case .assign: "="
        case .add: "+"
        case .sub: "-"
        case .mul: "*"
        case .div: "/"
        case .mod: "%"
        case .pow: "^"
        case .eqlc: "=="
        case .neq: "!="
        case .lte: "<="
        case .lss: "<"
        case .gte: ">="
        case .gtr: ">"
        case .trimUpper: "</"
        case .trimLower: ">/"
        case .eqlRegex: "=~"
        case .neqRegex: "!~"
        case .at: "@"
        case .land: "and"
        case .lor: "or"
        case .lunless: "unless"
        case .atan2: "atan2"
        case .sum: "sum"
        case .avg: "avg"
        case .count: "count"
        case .min: "min"
        case .max: "max"
        case .group: "group"
        case .stddev: "stddev"
        case .stdvar: "stdvar"
        case .topk: "topk"
        case .bottomk: "bottomk"
        case .countValues: "count_values"
        case .quantile: "quantile"
        case .limitk: "limitk"
        case .limitRatio: "limit_ratio"
        case .bool: "bool"
        case .by: "by"
        case .without: "without"
        case .on: "on"
        case .ignoring: "ignoring"
        case .groupLeft: "group_left"
        case .groupRight: "group_right"
        case .fill: "fill"
        case .fillLeft: "fill_left"
        case .fillRight: "fill_right"
        case .offset: "offset"
        case .anchored: "anchored"
        case .smoothed: "smoothed"
        case .start: "start"
        case .end: "end"
        case .step: "step"
        case .range: "range"
        case .maxOf: "max_of"
        case .minOf: "min_of"
        default: nil
        }
    }
}

/// A token: its kind and its byte range in the query.
struct Token: Sendable {
    var kind: TokenKind
    var start: Int
    var end: Int
}

/// Keyword lookup for lower-cased words (ASCII only).
enum Keywords {
    static func lookup(_ bytes: ArraySlice<UInt8>) -> TokenKind? {
        // Keywords are at most 12 bytes long; lower-case into a small buffer.
        let count = bytes.count
        guard count >= 2, count <= 12 else { return nil }
        var word = ""
        word.reserveCapacity(count)
        for b in bytes {
            let lower = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            word.unicodeScalars.append(Unicode.Scalar(lower))
        }
        return table[word]
    }

    static let table: [String: TokenKind] = [
        "and": .land, "or": .lor, "unless": .lunless, "atan2": .atan2,
        "sum": .sum, "avg": .avg, "count": .count, "min": .min, "max": .max, "group": .group,
        "stddev": .stddev, "stdvar": .stdvar, "topk": .topk, "bottomk": .bottomk,
        "count_values": .countValues, "quantile": .quantile, "limitk": .limitk, "limit_ratio": .limitRatio,
        "offset": .offset, "smoothed": .smoothed, "anchored": .anchored, "by": .by, "without": .without,
        "on": .on, "ignoring": .ignoring, "group_left": .groupLeft, "group_right": .groupRight,
        "fill": .fill, "fill_left": .fillLeft, "fill_right": .fillRight, "bool": .bool,
        "start": .start, "end": .end, "step": .step, "range": .range, "max_of": .maxOf, "min_of": .minOf,
        "inf": .number, "nan": .number,
    ]

    static let durationKeywords: [String: TokenKind] = [
        "step": .step, "range": .range, "max_of": .maxOf, "min_of": .minOf,
    ]
}
