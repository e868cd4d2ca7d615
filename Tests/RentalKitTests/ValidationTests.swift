import Foundation
import Testing
@testable import RentalKit

@Suite("Input validation")
struct ValidationTests {
    @Test("the shortcut for identifiers already in normal form answers as the full normalisation does")
    func identifierShortcut() {
        let pieces = ["F", "-", "2026", "/", ".", "a", "z", "Z", " ", "\t", "Ё", "ё", "е\u{308}", "ИНВ", "_", "é", "7", ""]
        var random = SplitMix64(seed: 5)
        for length in 0..<4_000 {
            var text = ""
            for _ in 0..<(length % 45) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
            let fast = Result { () throws(RentalError) -> String in try Validate.identifier(text, field: "unit") }
            let full = Result { () throws(RentalError) -> String in try Validate.normalIdentifier(text, field: "unit") }
            #expect(fast == full, "\(text.debugDescription)")
        }
    }

    @Test("the shortcut for plain Cyrillic or ASCII text answers as trimming and composing do")
    func textShortcut() {
        let pieces = ["Грант", " ", "«", "»", "№", "й", "и\u{306}", "ё", "\t", "a", "Z", "7", "\u{A0}", "—", "\u{1}", ""]
        var random = SplitMix64(seed: 11)
        for length in 0..<4_000 {
            var text = ""
            for _ in 0..<(length % 12) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
            let fast = Result { () throws(RentalError) -> String in try Validate.text(text, field: "note", min: 0, max: 20) }
            let reference = text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
            if case .success(let value) = fast {
                #expect(value == reference && value.unicodeScalars.elementsEqual(reference.unicodeScalars), "\(text.debugDescription)")
                #expect(reference.count <= 20)
            } else {
                #expect(reference.count > 20 || reference.unicodeScalars.contains { $0.properties.generalCategory == .control },
                        "\(text.debugDescription)")
            }
        }
    }
}
