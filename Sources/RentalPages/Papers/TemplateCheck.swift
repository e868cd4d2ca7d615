/// Checks the tags of a Mustache template against the fields a document offers, so that a misspelt
/// field is refused when the template is loaded instead of printing as an empty gap on a contract.
///
/// swift-mustache keeps its tokens to itself, so this walks the template's tags (`{{…}}`, `{{{…}}}`)
/// with their line numbers; it runs after swift-mustache has parsed the text, so sections are balanced.
public enum TemplateCheck {
    /// Throws when a tag names a field `schema` does not have (looked up through the enclosing sections,
    /// as Mustache does), a partial other than `partials`, or a construct rentald does not support.
    public static func check(_ text: String, file: String, schema: FieldSchema, partials: Set<String>) throws(TemplateError) {
        var scopes: [[String: FieldSchema]] = [schema.fields]
        var line = 1
        var index = text.startIndex
        func fail(_ problem: String) -> TemplateError { TemplateError(file: file, line: line, problem: problem) }

        while let open = text[index...].range(of: "{{") {
            line += text[index..<open.lowerBound].reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
            let triple = text[open.upperBound...].hasPrefix("{")
            let closer = triple ? "}}}" : "}}"
            let contentStart = triple ? text.index(after: open.upperBound) : open.upperBound
            guard let close = text[contentStart...].range(of: closer) else { throw fail("a tag is not closed with \(closer)") }
            let tagLine = line
            let content = text[contentStart..<close.lowerBound]
            line += content.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
            index = close.upperBound

            var body = content.trimmingWhitespace()
            var sigil: Character = " "
            if !triple, let first = body.first, "!#^/>&=$<".contains(first) {
                sigil = first
                body = body.dropFirst().trimmingWhitespace()
            }
            let name = Self.fieldName(String(body))
            func unknown() -> TemplateError {
                let known = scopes.last.map { $0.keys.sorted().joined(separator: ", ") } ?? ""
                return TemplateError(file: file, line: tagLine, problem: "unknown field '\(name)'" + (known.isEmpty ? "" : " (fields here: \(known))"))
            }
            switch sigil {
            case "!":
                continue
            case "=":
                throw TemplateError(file: file, line: tagLine, problem: "changing the delimiters ({{= =}}) is not supported")
            case "$", "<":
                throw TemplateError(file: file, line: tagLine, problem: "template inheritance ({{\(sigil)…}}) is not supported")
            case ">":
                guard partials.contains(name) else {
                    throw TemplateError(file: file, line: tagLine, problem: "unknown partial '\(name)' (known: \(partials.sorted().joined(separator: ", ")))")
                }
            case "/":
                if scopes.count > 1 { scopes.removeLast() }
            case "#", "^":
                if name.isEmpty || name == "." { scopes.append([:]); continue }
                guard let field = resolve(name, in: scopes) else { throw unknown() }
                scopes.append(sigil == "^" ? [:] : field.fields)
            default:
                if name.isEmpty || name == "." { continue }
                guard resolve(name, in: scopes) != nil else { throw unknown() }
            }
        }
    }

    /// The field in a tag, without a transform: `uppercased(family.surname)` → `family.surname`.
    static func fieldName(_ tag: String) -> String {
        guard let open = tag.lastIndex(of: "("), let close = tag[open...].firstIndex(of: ")") else { return tag }
        return String(tag[tag.index(after: open)..<close].trimmingWhitespace())
    }

    /// Looks `name` (`a.b.c`) up: its first part through the scopes, innermost first; the rest below it.
    static func resolve(_ name: String, in scopes: [[String: FieldSchema]]) -> FieldSchema? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        guard let first = parts.first else { return .value }
        let lookIn = name.hasPrefix(".") ? Array(scopes.suffix(1)) : scopes
        guard var field = lookIn.reversed().lazy.compactMap({ $0[first] }).first else { return nil }
        for part in parts.dropFirst() {
            guard let next = field.fields[part] else { return nil }
            field = next
        }
        return field
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> Substring {
        let scalars = self[...]
        guard let first = scalars.firstIndex(where: { !$0.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.isWhitespace }) else { return Substring("") }
        return Substring(scalars[first...last])
    }
}
