import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Turns an HTML page into a PDF with a converter found on this machine: Debian's `chromium` (headless),
/// else `weasyprint`. Neither is a dependency of rentalctl: the error names the package to install.
enum PDFRenderer {
    static func render(_ html: String, to file: String) throws {
        let output = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        var template = Array(((ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
                              + "/rentalctl-print-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }) != nil else {
            fail(tr("cannot create a temporary directory", "не удалось создать временный каталог"), status: 73)
        }
        let work = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let page = work + "/page.html"
        guard FileManager.default.createFile(atPath: page, contents: Data(html.utf8)) else {
            fail(tr("cannot write \(page)", "не удалось записать \(page)"), status: 73)
        }
        let arguments: [String]
        if let chromium = which("chromium") {
            arguments = [chromium, "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
                         "--no-pdf-header-footer", "--user-data-dir=\(work)/profile", "--print-to-pdf=\(output)"]
                + (geteuid() == 0 ? ["--no-sandbox"] : []) + ["file://" + page]
        } else if let weasyprint = which("weasyprint") {
            arguments = [weasyprint, page, output]
        } else {
            fail(tr("no PDF converter on this machine: install Debian's chromium (apt-get install chromium) or weasyprint (apt-get install weasyprint), or print the HTML without --pdf",
                    "на этой машине нечем сделать PDF: установите chromium (apt-get install chromium) или weasyprint (apt-get install weasyprint), либо печатайте HTML без --pdf"),
                 status: 69)
        }
        try? FileManager.default.removeItem(atPath: output)
        let status = spawn(arguments, log: work + "/converter.log")
        var info = stat()
        guard status == 0, stat(output, &info) == 0, info.st_size > 0 else {
            let log = (try? String(contentsOfFile: work + "/converter.log", encoding: .utf8)) ?? ""
            fail(tr("\(arguments[0].lastComponent) could not write \(file) (status \(status)): ",
                    "\(arguments[0].lastComponent) не записал \(file) (код \(status)): ") + String(log.suffix(400)), status: 70)
        }
    }

    private static func fail(_ message: String, status: Int32) -> Never {
        Console.writeError("rentalctl: " + message + "\n")
        Glibc.exit(status)
    }

    private static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    /// Runs `arguments` with output to `log`; returns its exit status.
    private static func spawn(_ arguments: [String], log: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        guard posix_spawn(&child, arguments[0], &actions, nil, &argv, environ) == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(child, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}

private extension String {
    /// The last path component (a program's name).
    var lastComponent: String { split(separator: "/").last.map(String.init) ?? self }
}

extension Console {
    /// Writes `text` whole to standard output; a failed write is dropped.
    static func writeOutput(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
