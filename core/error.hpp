// Errors that end a command.
//
// Two tiers, as in the rest of the code base: a function that can fail in normal use returns an
// optional or a result; a failure that should end the command throws one of these, and the single
// catch in cli/main.cpp prints it as `memeops: <what> : <why>` with the matching exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace memeops::core {

// A failure of the command itself (exit code 1). `what` names the thing that failed
// ("cannot open archive /x/archive.db"), `why` the reason ("file is not a database").
class Fatal : public std::runtime_error {
public:
    Fatal(std::string what, std::string why)
        : std::runtime_error(what + " : " + why), m_what(std::move(what)), m_why(std::move(why)) {}

    const std::string& subject() const { return m_what; }
    const std::string& reason() const { return m_why; }

private:
    std::string m_what;
    std::string m_why;
};

// The command line itself is wrong (exit code 2).
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace memeops::core
