import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store while the daemon serves, and check the copy (administrators).",
        discussion: "The file is written to the daemon's backup directory ([daemon] backup_directory).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("to"), help: ArgumentHelp("File name, ending in .sqlite.", valueName: "name")) var name: String

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let result = try await global.client.backup(name: name)
            if global.json { return Output.json(result) }
            print(tr("Backup written to \(result.file) (\(result.bytes) bytes, integrity \(result.integrity))",
                     "Копия сохранена в \(result.file) (\(result.bytes) байт, проверка: \(result.integrity))"))
        }
    }
}
