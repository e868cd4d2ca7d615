import Foundation
import RentalKit
import RentalPages
import RentalProtocol
import Testing

/// Label sheets printed by Chromium, rasterised, and every QR code read back by zbarimg.
@Suite("label sheets scanned back", .enabled(if: PaperTools.available, "needs chromium, poppler-utils and zbar-tools"))
struct LabelsTests {
    static let centre = Centre(code: "ryabinushka", name: "Рябинушка", region: "Омская область", timeZone: "Asia/Omsk",
                               openDays: Centre.weekdays)

    /// `count` labels with Cyrillic and Latin inventory numbers drawn from the demo data's generator.
    static func labels(_ count: Int, seed: UInt64) -> [LabelInput] {
        var random = SplitMix64(seed: seed)
        let prefixes = ["КРВ", "ВАН", "ЧАЙ", "KET", "ГЛД", "СТМ"]
        var numbers: Set<String> = []
        while numbers.count < count {
            numbers.insert("\(prefixes[Int(random.next() % UInt64(prefixes.count))])-\(random.next() % 20)-\(random.next() % 200)")
        }
        return numbers.sorted().map { LabelInput(inventoryNumber: $0, itemTypeName: "Кроватка детская") }
    }

    @Test("every QR code on a 3 × 8 sheet of 30 labels (two pages) reads back as its inventory number")
    func inventoryNumbers() async throws {
        let labels = Self.labels(30, seed: 20)
        let templates = try TemplateSet.load(adminDirectory: nil)
        let html = templates.render(.labels, try PaperContext.labels(labels, centre: Self.centre, layout: PaperLayout()))
        let pdf = try await HeadlessChromium.pdf(html: html)
        #expect(try await PaperTools.pageCount(pdf) == 2)
        let codes = try await PaperTools.qrCodes(inPDF: pdf)
        #expect(codes.sorted() == labels.map(\.inventoryNumber).sorted())
        let text = try await HeadlessChromium.text(ofPDF: pdf)
        for label in labels { #expect(text.contains(label.inventoryNumber), "number in large type") }
    }

    @Test("with a URL pattern, a 2 × 5 sheet's codes are URLs that a scanned entry turns back into the number")
    func urls() async throws {
        let labels = Self.labels(10, seed: 21)
        let templates = try TemplateSet.load(adminDirectory: nil)
        let layout = PaperLayout(labelColumns: 2, labelRows: 5, labelURL: "https://prokat.example.org/u/{number}")
        let pdf = try await HeadlessChromium.pdf(html: templates.render(.labels, try PaperContext.labels(labels, centre: Self.centre, layout: layout)))
        #expect(try await PaperTools.pageCount(pdf) == 1)
        let codes = try await PaperTools.qrCodes(inPDF: pdf)
        #expect(codes.count == labels.count)
        #expect(codes.allSatisfy { $0.hasPrefix("https://prokat.example.org/u/") })
        #expect(codes.map { ScannedCode.inventoryNumber($0 + "\n") }.sorted() == labels.map(\.inventoryNumber).sorted())
    }

    @Test("what a scanner types: the code, a URL with the number last in the path or the query, with Enter")
    func scannedCode() {
        #expect(ScannedCode.inventoryNumber("КРВ-1-1\r\n") == "КРВ-1-1")
        #expect(ScannedCode.inventoryNumber("  KET-0042 ") == "KET-0042")
        #expect(ScannedCode.inventoryNumber("https://x.example/u/%D0%9A%D0%A0%D0%92-1-1\n") == "КРВ-1-1")
        #expect(ScannedCode.inventoryNumber("http://x.example/unit?n=%D0%92%D0%90%D0%9D-2-1") == "ВАН-2-1")
        #expect(QRCode.payload(for: "КРВ-1-1", urlPattern: "https://x.example/u/{number}") == "https://x.example/u/%D0%9A%D0%A0%D0%92-1-1")
    }
}
