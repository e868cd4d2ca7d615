import Testing

/// Parent of every suite that changes environment variables, which are shared by
/// the whole test process. `.serialized` is inherited by the nested suites, so none
/// of their tests run concurrently with another.
@Suite(.serialized)
struct ProcessStateTests {}
