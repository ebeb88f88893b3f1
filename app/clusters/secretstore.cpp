#include "secretstore.h"

#include <QLoggingCategory>
#include <QPointer>

#include <QCoroSignal>
#include <qt6keychain/keychain.h>

namespace Meshdeck::Console {

namespace {
Q_LOGGING_CATEGORY(lcSecrets, "meshdeck.console.secrets")

QString describe(QKeychain::Job *job)
{
    switch (job->error()) {
    case QKeychain::NoBackendAvailable:
        return SecretStore::tr("No keychain is available (on Linux: a Secret Service such as GNOME Keyring "
                               "or KWallet must be running): %1")
            .arg(job->errorString());
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return SecretStore::tr("The keychain refused access: %1").arg(job->errorString());
    default:
        return SecretStore::tr("The keychain failed: %1").arg(job->errorString());
    }
}

// Runs a started job to its end; the job deletes itself afterwards (autoDelete).
QCoro::Task<SecretResult> finish(QKeychain::Job *rawJob)
{
    QPointer<QKeychain::Job> job = rawJob;
    co_await qCoro(rawJob, &QKeychain::Job::finished);
    SecretResult result;
    if (!job) {
        result.error = SecretStore::tr("The keychain request was abandoned.");
        co_return result;
    }
    if (job->error() == QKeychain::NoError) {
        result.ok = true;
        if (auto *readJob = qobject_cast<QKeychain::ReadPasswordJob *>(job.data()))
            result.secret = readJob->binaryData();
    } else if (job->error() == QKeychain::EntryNotFound) {
        result.notFound = true;
        result.ok = qobject_cast<QKeychain::DeletePasswordJob *>(job.data()) != nullptr;
        if (!result.ok)
            result.error = SecretStore::tr("The keychain holds no credential for this profile: edit the "
                                           "profile and enter it again.");
    } else {
        result.error = describe(job);
        qCWarning(lcSecrets).noquote() << result.error;
    }
    co_return result;
}
} // namespace

KeychainSecretStore::KeychainSecretStore(QString service, QObject *parent)
    : SecretStore(parent)
    , m_service(std::move(service))
{}

QCoro::Task<SecretResult> KeychainSecretStore::read(QString key)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(key);
    job->setInsecureFallback(false); // never a plain file
    job->start();
    co_return co_await finish(job);
}

QCoro::Task<SecretResult> KeychainSecretStore::write(QString key, QByteArray secret)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(key);
    job->setInsecureFallback(false);
    job->setBinaryData(secret);
    job->start();
    co_return co_await finish(job);
}

QCoro::Task<SecretResult> KeychainSecretStore::remove(QString key)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setKey(key);
    job->setInsecureFallback(false);
    job->start();
    co_return co_await finish(job);
}

QCoro::Task<SecretResult> FakeSecretStore::read(QString key)
{
    SecretResult result;
    if (!m_failure.isEmpty()) {
        result.error = m_failure;
    } else if (m_secrets.contains(key)) {
        result.ok = true;
        result.secret = m_secrets.value(key);
    } else {
        result.notFound = true;
        result.error = tr("The keychain holds no credential for this profile: edit the profile and enter it "
                          "again.");
    }
    co_return result;
}

QCoro::Task<SecretResult> FakeSecretStore::write(QString key, QByteArray secret)
{
    SecretResult result;
    if (!m_failure.isEmpty()) {
        result.error = m_failure;
        co_return result;
    }
    m_secrets.insert(key, secret);
    result.ok = true;
    co_return result;
}

QCoro::Task<SecretResult> FakeSecretStore::remove(QString key)
{
    SecretResult result;
    if (!m_failure.isEmpty()) {
        result.error = m_failure;
        co_return result;
    }
    result.notFound = !m_secrets.remove(key);
    result.ok = true;
    co_return result;
}

} // namespace Meshdeck::Console
