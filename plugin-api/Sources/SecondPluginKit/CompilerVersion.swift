/// The Swift compiler this image was built with, as "MAJOR.MINOR.PATCH". Swift has no stable ABI on
/// Linux, so host and in-process plugins must agree on it; the magic block carries it.
/// (There is no compile-time constant for it, so it is derived from `#if compiler` checks.)
public let swiftCompilerVersion: String = {
    #if compiler(>=6.5)
    return "6.5+"
    #elseif compiler(>=6.4.2)
    return "6.4.2"
    #elseif compiler(>=6.4.1)
    return "6.4.1"
    #elseif compiler(>=6.4)
    return "6.4.0"
    #elseif compiler(>=6.3.3)
    return "6.3.3"
    #elseif compiler(>=6.3.2)
    return "6.3.2"
    #elseif compiler(>=6.3.1)
    return "6.3.1"
    #elseif compiler(>=6.3)
    return "6.3.0"
    #elseif compiler(>=6.2)
    return "6.2"
    #else
    return "6.x"
    #endif
}()
