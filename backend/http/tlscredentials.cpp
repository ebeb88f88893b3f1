#include "tlscredentials.h"

#include <QDateTime>
#include <QFile>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QSslKey>
#include <QSslSocket>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

Q_LOGGING_CATEGORY(lcTls, "meshdeck.backend.tls")

namespace Meshdeck::Http {

namespace {

bool readPem(const QString &path, const char *flag, QByteArray *out, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error =
            QStringLiteral("%1 %2: cannot read it (%3)").arg(QLatin1String(flag), path, file.errorString());
        return false;
    }
    *out = file.readAll();
    return true;
}

// An encrypted key must fail to load, not prompt for a passphrase on the terminal.
int noPassphrase(char *, int, int, void *)
{
    return -1;
}

// Qt has no public way to ask whether a private key belongs to a certificate; OpenSSL (which is
// Qt's TLS backend here) answers it directly, for every key type.
bool keyMatchesCertificate(const QByteArray &certPem, const QByteArray &keyPem)
{
    const std::unique_ptr<BIO, decltype(&BIO_free)> certBio(
        BIO_new_mem_buf(certPem.constData(), int(certPem.size())), &BIO_free);
    const std::unique_ptr<BIO, decltype(&BIO_free)> keyBio(
        BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())), &BIO_free);
    if (!certBio || !keyBio)
        return false;
    const std::unique_ptr<X509, decltype(&X509_free)> cert(
        PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr), &X509_free);
    const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(keyBio.get(), nullptr, &noPassphrase, nullptr), &EVP_PKEY_free);
    const bool matches = cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
    ERR_clear_error(); // leave nothing queued for Qt's own use of OpenSSL on this thread
    return matches;
}

QSslKey parseKey(const QByteArray &pem)
{
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec}) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return {};
}

std::optional<QSslConfiguration> readConfiguration(const QString &certFile, const QString &keyFile,
                                                   QString *error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("this Qt has no TLS backend (%1); install OpenSSL 3")
                     .arg(QSslSocket::sslLibraryVersionString());
        return std::nullopt;
    }
    QByteArray certPem;
    QByteArray keyPem;
    if (!readPem(certFile, "--tls-cert", &certPem, error) || !readPem(keyFile, "--tls-key", &keyPem, error))
        return std::nullopt;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
    if (chain.isEmpty() || chain.constFirst().isNull()) {
        *error =
            QStringLiteral("--tls-cert %1: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)")
                .arg(certFile);
        return std::nullopt;
    }
    const QSslKey key = parseKey(keyPem);
    if (key.isNull()) {
        *error =
            QStringLiteral("--tls-key %1: no unencrypted PEM private key (RSA or EC) in it").arg(keyFile);
        return std::nullopt;
    }
    if (!keyMatchesCertificate(certPem, keyPem)) {
        *error = QStringLiteral("--tls-key %1 does not belong to the certificate in --tls-cert %2")
                     .arg(keyFile, certFile);
        return std::nullopt;
    }
    const QSslCertificate &leaf = chain.constFirst();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (leaf.expiryDate() < now || leaf.effectiveDate() > now)
        qCWarning(lcTls).noquote() << "the certificate in" << certFile << "is not valid now (valid from"
                                   << leaf.effectiveDate().toString(Qt::ISODate) << "to"
                                   << leaf.expiryDate().toString(Qt::ISODate) << "); clients will refuse it";

    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with tokens
    configuration.setAllowedNextProtocols({QByteArray(QSslConfiguration::NextProtocolHttp1_1)});
    return configuration;
}

} // namespace

std::shared_ptr<TlsCredentials> TlsCredentials::load(const QString &certFile, const QString &keyFile,
                                                     QString *error)
{
    auto configuration = readConfiguration(certFile, keyFile, error);
    if (!configuration)
        return nullptr;
    return std::shared_ptr<TlsCredentials>(new TlsCredentials(certFile, keyFile, std::move(*configuration)));
}

TlsCredentials::TlsCredentials(QString certFile, QString keyFile, QSslConfiguration configuration)
    : m_certFile(std::move(certFile))
    , m_keyFile(std::move(keyFile))
    , m_configuration(std::move(configuration))
{}

bool TlsCredentials::reload(QString *error)
{
    auto configuration = readConfiguration(m_certFile, m_keyFile, error);
    if (!configuration)
        return false;
    const QMutexLocker lock(&m_mutex);
    m_configuration = std::move(*configuration);
    return true;
}

QSslConfiguration TlsCredentials::configuration() const
{
    const QMutexLocker lock(&m_mutex);
    return m_configuration;
}

QSslCertificate TlsCredentials::certificate() const
{
    const QMutexLocker lock(&m_mutex);
    return m_configuration.localCertificate();
}

QString describeCertificate(const QSslCertificate &certificate)
{
    return QStringLiteral("%1 (SHA-256 %2, expires %3)")
        .arg(certificate.subjectDisplayName(),
             QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':')),
             certificate.expiryDate().toString(Qt::ISODate));
}

} // namespace Meshdeck::Http
