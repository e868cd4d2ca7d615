/// Prints `fields` as one JSON object, `{"NAME": "value", …}`, in the given order.
func printJSONLine(_ fields: [(name: String, value: String)]) {
    print("{" + fields.map { jsonString($0.name) + ": " + jsonString($0.value) }.joined(separator: ", ") + "}")
}

/// `text` as a JSON string literal; non-ASCII characters are kept as UTF-8.
func jsonString(_ text: String) -> String {
    var literal = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": literal += "\\\""
        case "\\": literal += "\\\\"
        case "\n": literal += "\\n"
        case "\t": literal += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: literal.unicodeScalars.append(scalar)
        }
    }
    return literal + "\""
}
