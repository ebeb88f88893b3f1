#pragma once

#include <QByteArray>
#include <QString>

// Passwords: argon2id through libsodium (crypto_pwhash_str_alg), a policy with a reason a person
// can act on, and the sign-in throttle. Hashing takes tens of milliseconds and 64 MiB on purpose:
// callers run it on the auth service's hashing pool, never on an event-loop thread.
namespace Meshdeck::Auth {

struct PasswordCost {
    unsigned long long opsLimit;
    size_t memLimit;
    static PasswordCost interactive(); // libsodium's INTERACTIVE: 2 passes, 64 MiB
    static PasswordCost minimum();     // for tests only (--password-cost minimum)
};

// Empty when the password is acceptable; otherwise what to change.
QString passwordProblem(const QString &password, const QString &email);
QByteArray hashPassword(const QString &password, const PasswordCost &cost);
bool verifyPassword(const QByteArray &hash, const QString &password);
// The stored hash was made with other parameters than `cost`: rehash at the next sign-in.
bool needsRehash(const QByteArray &hash, const PasswordCost &cost);

// Lowers the calling thread's CPU priority (nice 10, Linux: per thread) so that password hashing
// yields to the threads serving requests when they compete for a core; hashing still gets the core
// whenever serving leaves it idle. Once per thread; harmless where unsupported.
void yieldToServing();

} // namespace Meshdeck::Auth
