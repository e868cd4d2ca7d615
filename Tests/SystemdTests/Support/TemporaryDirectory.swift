import Glibc

/// A fresh directory under `/tmp`, removed (with the sockets inside it) by ``remove()``.
struct TemporaryDirectory {
    /// The directory's absolute path.
    let path: String

    /// Creates the directory with `mkdtemp(3)`.
    init() throws {
        var template = Array("/tmp/systemd-tests-XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap(mkdtemp) }) else {
            throw SystemCallError(call: "mkdtemp")
        }
        path = String(cString: created)
    }

    /// Removes `names` inside the directory, then the directory itself.
    func remove(_ names: String...) {
        for name in names { unlink(path + "/" + name) }
        rmdir(path)
    }
}
