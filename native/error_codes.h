// The codes the addon raises: the native half of lib/base/error-codes.ts (the entries marked
// `native: true` there). test/error-codes.test.mjs parses this file and fails when the two
// lists disagree in either direction, or when a C++ file spells a code as a string literal.
#pragma once

namespace ortex {

// A code is one of the constants below. Throw() and Failure take an ErrorCode, which no string
// converts to implicitly, so a misspelt code does not compile.
class ErrorCode {
 public:
  constexpr ErrorCode() = default;  // "no error"
  explicit constexpr ErrorCode(const char* name) : name_(name) {}
  const char* name() const { return name_; }
  bool empty() const { return name_ == nullptr; }
  bool operator==(const ErrorCode& other) const { return name_ == other.name_; }
  bool operator!=(const ErrorCode& other) const { return name_ != other.name_; }

 private:
  const char* name_ = nullptr;
};

namespace code {
inline constexpr ErrorCode kInvalidInput{"ERR_INVALID_INPUT"};
inline constexpr ErrorCode kInvalidArgument{"ERR_INVALID_ARGUMENT"};
inline constexpr ErrorCode kModelLoad{"ERR_MODEL_LOAD"};
inline constexpr ErrorCode kRuntime{"ERR_RUNTIME"};
inline constexpr ErrorCode kSessionReleased{"ERR_SESSION_RELEASED"};
inline constexpr ErrorCode kProviderUnavailable{"ERR_PROVIDER_UNAVAILABLE"};
inline constexpr ErrorCode kAborted{"ERR_ABORTED"};
inline constexpr ErrorCode kNativeLoad{"ERR_NATIVE_LOAD"};
}  // namespace code

}  // namespace ortex
