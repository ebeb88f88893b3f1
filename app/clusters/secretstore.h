#pragma once

#include <QHash>
#include <QObject>

#include <QCoroTask>

namespace Meshdeck::Console {

// The outcome of one keychain operation; `error` is a sentence a person can act on.
struct SecretResult {
    bool ok = false;
    bool notFound = false;
    QByteArray secret;
    QString error;
};

// Where profile credentials live: only the OS keychain in the product (KeychainSecretStore), an
// in-memory fake in unit tests. Nothing here ever touches a file or QSettings.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual QCoro::Task<SecretResult> read(QString key) = 0;
    virtual QCoro::Task<SecretResult> write(QString key, QByteArray secret) = 0;
    // Deleting a key that does not exist succeeds.
    virtual QCoro::Task<SecretResult> remove(QString key) = 0;
};

// The OS keychain through QtKeychain (the Secret Service on Linux desktops).
class KeychainSecretStore : public SecretStore
{
    Q_OBJECT
public:
    explicit KeychainSecretStore(QString service, QObject *parent = nullptr);

    QCoro::Task<SecretResult> read(QString key) override;
    QCoro::Task<SecretResult> write(QString key, QByteArray secret) override;
    QCoro::Task<SecretResult> remove(QString key) override;

private:
    QString m_service;
};

// For tests: secrets in memory; setFailure() makes every call fail with that message.
class FakeSecretStore : public SecretStore
{
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    QCoro::Task<SecretResult> read(QString key) override;
    QCoro::Task<SecretResult> write(QString key, QByteArray secret) override;
    QCoro::Task<SecretResult> remove(QString key) override;

    void setFailure(const QString &message) { m_failure = message; }
    QHash<QString, QByteArray> secrets() const { return m_secrets; }

private:
    QHash<QString, QByteArray> m_secrets;
    QString m_failure;
};

} // namespace Meshdeck::Console
