import Foundation
import Glibc

/// poppler and zbar, for tests that read papers back the way a person or a scanner would.
enum PaperTools {
    /// Whether the tools the paper tests need are installed (chromium, pdftotext, pdftoppm, pdfinfo, zbarimg).
    static var available: Bool {
        HeadlessChromium.isAvailable && ["pdftotext", "pdftoppm", "pdfinfo", "zbarimg"].allSatisfy { which($0) != nil }
    }

    /// The number of pages of a PDF (`pdfinfo`).
    static func pageCount(_ pdf: URL) throws -> Int {
        let info = try tool(["pdfinfo", pdf.path], log: URL(fileURLWithPath: "/tmp"))
        guard let line = info.split(separator: "\n").first(where: { $0.hasPrefix("Pages:") }),
              let count = Int(line.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) else {
            throw ToolFailure("pdfinfo gave no page count: \(info)")
        }
        return count
    }

    /// Every QR code on every page of a PDF, rasterised at `dpi` as a printer would (anti-aliased), read
    /// by `zbarimg`.
    static func qrCodes(inPDF pdf: URL, dpi: Int = 150) throws -> [String] {
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("qr-scan-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("scan").path
        try tool(["pdftoppm", "-r", "\(dpi)", "-png", pdf.path, prefix], log: directory)
        let pages = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("scan") && $0.hasSuffix(".png") }.sorted()
        var codes: [String] = []
        for page in pages {
            // zbarimg exits 4 when a page holds no code: read what it printed either way.
            let out = directory.appendingPathComponent("\(page).codes")
            let child = try Spawn(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", directory.appendingPathComponent(page).path],
                                  environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"], outputPath: out.path)
            _ = await_(child)
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            codes += text.split(separator: "\n").map(String.init).filter { !$0.contains("dbus") && !$0.hasPrefix("Connection ") }
        }
        return codes
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    /// Runs a tool to completion and returns its output; throws with the output when it fails.
    @discardableResult
    static func tool(_ arguments: [String], log directory: URL) throws -> String {
        let output = directory.appendingPathComponent("tool-\(UUID().uuidString.prefix(8)).log").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try Spawn(arguments, environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                                                       "LANG": "C.UTF-8"], outputPath: output)
        let status = await_(child)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0 else { throw ToolFailure("\(arguments[0]) failed (status \(status)): \(text.suffix(800))") }
        return text
    }

    private static func await_(_ child: Spawn) -> Int32 {
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) == -1 && errno == EINTR {}
        return status
    }
}

/// A tool a paper test runs failed.
struct ToolFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
