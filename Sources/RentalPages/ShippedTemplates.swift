import Foundation

/// Where the templates shipped with rentald are, for papers and reports alike: the package's resource bundle
/// beside the executable (a build tree), `PREFIX/share/rentald/templates` for an executable installed in
/// `PREFIX/sbin` (scripts/install.sh), else `/usr/share/rentald/templates`. Found by path rather than through
/// `Bundle.module`, whose accessor stops the process when the bundle is missing.
enum ShippedTemplates {
    /// The first of those directories that holds `file`.
    static func directory(holding file: String) -> String? {
        var candidates: [String] = []
        let executable = Bundle.main.executableURL?.resolvingSymlinksInPath()
            ?? URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let here = executable.deletingLastPathComponent()
        candidates.append(here.appendingPathComponent("RentalKit_RentalPages.resources/Templates").path)
        candidates.append(here.deletingLastPathComponent().appendingPathComponent("share/rentald/templates").path)
        candidates.append("/usr/share/rentald/templates")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/" + file) }
    }
}
