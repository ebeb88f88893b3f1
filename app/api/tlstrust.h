#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>

namespace Meshdeck::Console {

// A certificate nobody vouches for, shown to the person who may choose to trust it (and pin it).
struct CertificateOffer {
    QString host;
    QByteArray pin; // base64 SHA-256 of the SubjectPublicKeyInfo
    QString subject;
    QString issuer;
    QDateTime validFrom;
    QDateTime validUntil;
    bool isNull() const { return pin.isEmpty(); }
};

// What the console accepts from a TLS peer. System: the system's CAs. CaCertificates: only these
// CAs. Pinned: the peer's leaf key must match one of the pins (the key is the identity then, so
// host name and issuer are not asked; the validity dates still are).
struct TlsPolicy {
    enum class Mode { System, CaCertificates, Pinned };
    Mode mode = Mode::System;
    QList<QSslCertificate> caCertificates;
    QList<QByteArray> pins;
    // System mode only: an unknown issuer is offered to the person instead of only refused.
    bool offerUnknownCertificates = false;

    QSslConfiguration configuration() const;
};

// The decision on a handshake that reported errors (or, pinned, on every handshake).
struct TlsVerdict {
    bool accept = false;
    QString message;        // why not, in words a person can act on
    CertificateOffer offer; // set when the person may trust the certificate
};

struct TlsTrust {
    Q_DECLARE_TR_FUNCTIONS(TlsTrust)
public:
    // The SPKI SHA-256 pin of a certificate, base64; empty for a null certificate.
    static QByteArray spkiPin(const QSslCertificate &certificate);
    static TlsVerdict judge(const TlsPolicy &policy, const QString &host, const QList<QSslError> &errors,
                            const QSslCertificate &peer);
    static CertificateOffer offerFor(const QString &host, const QSslCertificate &peer);
};

} // namespace Meshdeck::Console

Q_DECLARE_METATYPE(Meshdeck::Console::CertificateOffer)
