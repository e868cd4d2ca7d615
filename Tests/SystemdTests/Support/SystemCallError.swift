import Glibc

/// A failed system call and the error number it reported.
struct SystemCallError: Error, CustomStringConvertible {
    /// The call that failed.
    let call: String
    /// Its `errno`, or the error number it returned.
    let code: Int32

    init(call: String, code: Int32 = errno) {
        self.call = call
        self.code = code
    }

    var description: String { "\(call) failed: errno \(code)" }
}
