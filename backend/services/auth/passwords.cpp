#include "passwords.h"

#include <QSet>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <sodium.h>

namespace Meshdeck::Auth {

PasswordCost PasswordCost::interactive()
{
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::minimum()
{
    return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

QString passwordProblem(const QString &password, const QString &email)
{
    // NIST SP 800-63B: length over composition rules, no truncation, and refuse the obvious.
    constexpr int MinLength = 10;
    constexpr int MaxLength = 256;
    if (password.size() < MinLength)
        return QStringLiteral("The password has %1 characters; use at least %2 (a few words make a long "
                              "password that is easy to remember).")
            .arg(password.size())
            .arg(MinLength);
    if (password.size() > MaxLength)
        return QStringLiteral("The password is longer than %1 characters.").arg(MaxLength);
    const QString folded = password.toCaseFolded();
    const QString local = email.section(QLatin1Char('@'), 0, 0).toCaseFolded();
    if (local.size() >= 3 && folded.contains(local))
        return QStringLiteral("The password contains the email address's name; choose one that does not.");
    if (folded.count(folded.front()) == folded.size())
        return QStringLiteral("The password repeats one character; choose a less guessable one.");
    static const QSet<QString> common{
        QStringLiteral("1234567890"),       QStringLiteral("12345678910"),  QStringLiteral("123456789012"),
        QStringLiteral("qwertyuiop"),       QStringLiteral("password123"),  QStringLiteral("password1234"),
        QStringLiteral("passwordpassword"), QStringLiteral("iloveyou123"),  QStringLiteral("administrator"),
        QStringLiteral("letmein1234"),      QStringLiteral("changeme123"),  QStringLiteral("welcome1234"),
        QStringLiteral("abcdefghij"),       QStringLiteral("0987654321"),   QStringLiteral("qwerty123456"),
        QStringLiteral("meshdeck123"),      QStringLiteral("meshdeckadmin")};
    if (common.contains(folded))
        return QStringLiteral("The password is one of the most common ones; choose another.");
    return {};
}

QByteArray hashPassword(const QString &password, const PasswordCost &cost)
{
    const QByteArray utf8 = password.toUtf8();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, utf8.constData(), size_t(utf8.size()), cost.opsLimit, cost.memLimit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return {}; // out of memory
    return QByteArray(out);
}

bool verifyPassword(const QByteArray &hash, const QString &password)
{
    const QByteArray utf8 = password.toUtf8();
    return !hash.isEmpty() &&
           crypto_pwhash_str_verify(hash.constData(), utf8.constData(), size_t(utf8.size())) == 0;
}

bool needsRehash(const QByteArray &hash, const PasswordCost &cost)
{
    return crypto_pwhash_str_needs_rehash(hash.constData(), cost.opsLimit, cost.memLimit) != 0;
}

void yieldToServing()
{
#ifdef Q_OS_LINUX
    thread_local bool lowered = false;
    if (lowered)
        return;
    lowered = true;
    setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), 10);
#endif
}

} // namespace Meshdeck::Auth
