import Foundation

/// A token of an OData `$filter` expression.
enum FilterToken: Equatable, Sendable {
    /// A bare word: a column, keyword, function name, unquoted GUID, number or date.
    case word(String)
    /// A quoted string literal with `''` (or `\"` in double quotes) unescaped.
    case string(String)
    case openParen, closeParen, comma, equals, openBracket, closeBracket
    /// A parameter alias `@p1`.
    case alias(String)
}

/// Splits a `$filter` text into tokens (research/dataverse-webapi.md §2.1).
/// - Throws: `ODataError` 400 for an unterminated literal or an unexpected character, naming the position.
func lexFilter(_ text: String) throws -> [FilterToken] {
    let chars = Array(text)
    var tokens: [FilterToken] = []
    var i = 0
    func isWordChar(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_" || c == "." || c == "-" || c == ":" || c == "+" || c == "/" || c == "{" || c == "}"
    }
    while i < chars.count {
        let c = chars[i]
        if c.isWhitespace { i += 1; continue }
        switch c {
        case "(": tokens.append(.openParen); i += 1
        case ")": tokens.append(.closeParen); i += 1
        case ",": tokens.append(.comma); i += 1
        case "=": tokens.append(.equals); i += 1
        case "[": tokens.append(.openBracket); i += 1
        case "]": tokens.append(.closeBracket); i += 1
        case "'", "\"":
            let quote = c
            let start = i
            var s = ""
            i += 1
            var closed = false
            while i < chars.count {
                if chars[i] == quote {
                    if quote == "'" && i + 1 < chars.count && chars[i + 1] == "'" { s.append("'"); i += 2; continue }
                    closed = true; i += 1; break
                }
                if quote == "\"" && chars[i] == "\\" && i + 1 < chars.count { s.append(chars[i + 1]); i += 2; continue }
                s.append(chars[i]); i += 1
            }
            guard closed else {
                throw ODataError.badRequest("There is an unterminated literal at position \(start) in '\(text)'.")
            }
            tokens.append(.string(s))
        case "@":
            var j = i + 1
            while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
            guard j > i + 1 else { throw ODataError.badRequest("Syntax error at position \(i) in '\(text)'.") }
            tokens.append(.alias(String(chars[(i + 1)..<j])))
            i = j
        default:
            guard isWordChar(c) else { throw ODataError.badRequest("Syntax error: character '\(c)' is not valid at position \(i) in '\(text)'.") }
            var j = i
            while j < chars.count, isWordChar(chars[j]) { j += 1 }
            tokens.append(.word(String(chars[i..<j])))
            i = j
        }
    }
    return tokens
}
