#pragma once

#include <QLoggingCategory>
#include <QMutex>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>

#include <memory>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcTls)

namespace Meshdeck::Http {

// The engine's TLS certificate and private key (PEM files), shared by every event-loop thread.
// reload() re-reads the same files and, only when they are good, swaps what new connections get:
// an open connection keeps the configuration it started its handshake with.
class TlsCredentials
{
public:
    // Reads and checks both files; nullptr with the reason in *error when either is missing,
    // unreadable, not PEM, or the key does not belong to the certificate.
    static std::shared_ptr<TlsCredentials> load(const QString &certFile, const QString &keyFile,
                                                QString *error);

    // Keeps the current certificate and key when the files are not good (the reason in *error).
    bool reload(QString *error);

    // For a new connection: TLS 1.2 or newer, no client certificates, ALPN http/1.1.
    QSslConfiguration configuration() const;
    QSslCertificate certificate() const;
    QString certFile() const { return m_certFile; }
    QString keyFile() const { return m_keyFile; }

private:
    TlsCredentials(QString certFile, QString keyFile, QSslConfiguration configuration);

    const QString m_certFile;
    const QString m_keyFile;
    mutable QMutex m_mutex;
    QSslConfiguration m_configuration;
};

// A one-line description of a certificate for the log: subject, SHA-256 fingerprint, expiry.
QString describeCertificate(const QSslCertificate &certificate);

} // namespace Meshdeck::Http
