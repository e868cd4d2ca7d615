import Foundation
import RentalKit
import RentalProtocol

extension Routes {
    static let backups: [Route] = [
        Route(.POST, "backups", "createBackup", .admin, success: .created) { api, call in
            let name = try call.body(BackupRequest.self).name
            let allowed = name.hasSuffix(".sqlite") && !name.hasPrefix(".") && name.count <= 100
                && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
            guard allowed else {
                throw RentalError(.invalidInput, "name: a file name of letters, digits, '.', '_', '-' ending in .sqlite (it is written to the backup directory)")
            }
            do {
                try FileManager.default.createDirectory(atPath: api.backupDirectory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw RentalError(.storageReadOnly, "cannot create the backup directory")
            }
            let file = api.backupDirectory + "/" + name
            let bytes = try await api.store.backup(to: file, by: call.principal)
            api.logger.notice("backup written", metadata: ["file": "\(file)", "bytes": "\(bytes)", "user": "\(call.principal.name)"])
            return try call.json(BackupResult(file: file, bytes: bytes, integrity: "ok"))
        },
    ]
}
