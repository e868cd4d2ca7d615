import Foundation
import Glibc

/// poppler and zbar, for tests that read papers back the way a person or a scanner would.
enum PaperTools {
    /// Whether the tools the paper tests need are installed (chromium, pdftotext, pdftoppm, pdfinfo, zbarimg).
    static var available: Bool {
        HeadlessChromium.isAvailable && ["pdftotext", "pdftoppm", "pdfinfo", "zbarimg"].allSatisfy { which($0) != nil }
    }

    /// The number of pages of a PDF (`pdfinfo`).
    static func pageCount(_ pdf: URL) async throws -> Int {
        let info = try await Spawn.run(["pdfinfo", pdf.path])
        guard let line = info.split(separator: "\n").first(where: { $0.hasPrefix("Pages:") }),
              let count = Int(line.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) else {
            throw ToolFailure("pdfinfo gave no page count: \(info)")
        }
        return count
    }

    /// Every QR code on every page of a PDF, rasterised at `dpi` as a printer would (anti-aliased), read
    /// by `zbarimg`.
    static func qrCodes(inPDF pdf: URL, dpi: Int = 150) async throws -> [String] {
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("qr-scan-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("scan").path
        try await Spawn.run(["pdftoppm", "-r", "\(dpi)", "-png", pdf.path, prefix])
        let pages = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("scan") && $0.hasSuffix(".png") }.sorted()
        var codes: [String] = []
        for page in pages {
            // zbarimg exits 4 when a page holds no code: read what it printed either way.
            let text = try await Spawn.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", directory.appendingPathComponent(page).path],
                                           success: [0, 4])
            codes += text.split(separator: "\n").map(String.init).filter { !$0.contains("dbus") && !$0.hasPrefix("Connection ") }
        }
        return codes
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }
}

/// A tool a paper test runs failed.
struct ToolFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
