#include "tlstrust.h"

#include <QCryptographicHash>
#include <QLocale>

namespace Meshdeck::Console {

namespace {
// One DER element at `pos`: its whole length (header and contents) and where its contents start.
struct DerElement {
    qsizetype start = -1;
    qsizetype contentStart = -1;
    qsizetype end = -1;
    quint8 tag = 0;
};

DerElement readElement(const QByteArray &der, qsizetype pos)
{
    DerElement e;
    if (pos + 2 > der.size())
        return e;
    e.tag = quint8(der.at(pos));
    quint64 length = quint8(der.at(pos + 1));
    qsizetype content = pos + 2;
    if (length & 0x80) {
        const int bytes = int(length & 0x7f);
        if (bytes == 0 || bytes > 4 || content + bytes > der.size())
            return e;
        length = 0;
        for (int i = 0; i < bytes; ++i)
            length = (length << 8) | quint8(der.at(content + i));
        content += bytes;
    }
    if (content + qsizetype(length) > der.size())
        return e;
    e.start = pos;
    e.contentStart = content;
    e.end = content + qsizetype(length);
    return e;
}

// The SubjectPublicKeyInfo of an X.509 certificate, as DER: the seventh element of the
// TBSCertificate when it starts with the [0] version, the sixth otherwise (RFC 5280 4.1).
QByteArray subjectPublicKeyInfo(const QByteArray &der)
{
    const DerElement certificate = readElement(der, 0);
    if (certificate.start < 0 || certificate.tag != 0x30)
        return {};
    const DerElement tbs = readElement(der, certificate.contentStart);
    if (tbs.start < 0 || tbs.tag != 0x30)
        return {};
    qsizetype pos = tbs.contentStart;
    DerElement e = readElement(der, pos);
    if (e.start >= 0 && e.tag == 0xa0) // version
        pos = e.end;
    for (int skip = 0; skip < 5; ++skip) { // serial, signature, issuer, validity, subject
        e = readElement(der, pos);
        if (e.start < 0)
            return {};
        pos = e.end;
    }
    e = readElement(der, pos);
    if (e.start < 0 || e.tag != 0x30 || e.end > tbs.end)
        return {};
    return der.mid(e.start, e.end - e.start);
}

QString namesOf(const QSslCertificate &certificate)
{
    QStringList names;
    const auto alternatives = certificate.subjectAlternativeNames();
    for (auto it = alternatives.cbegin(); it != alternatives.cend(); ++it)
        names << it.value();
    if (names.isEmpty())
        names = certificate.subjectInfo(QSslCertificate::CommonName);
    return names.isEmpty() ? TlsTrust::tr("no name") : names.join(QStringLiteral(", "));
}

QString dateText(const QDateTime &time)
{
    return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
}

bool isUntrustedIssuer(QSslError::SslError error)
{
    switch (error) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
    case QSslError::InvalidCaCertificate:
        return true;
    default:
        return false;
    }
}
} // namespace

QSslConfiguration TlsPolicy::configuration() const
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setProtocol(QSsl::TlsV1_2OrLater);
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    switch (mode) {
    case Mode::System:
        break;
    case Mode::CaCertificates:
        config.setCaCertificates(caCertificates);
        break;
    case Mode::Pinned:
        // No CA at all: every handshake reports errors, so judge() sees every peer key.
        config.setCaCertificates({});
        break;
    }
    return config;
}

QByteArray TlsTrust::spkiPin(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    const QByteArray spki = subjectPublicKeyInfo(certificate.toDer());
    if (spki.isEmpty())
        return {};
    return QCryptographicHash::hash(spki, QCryptographicHash::Sha256).toBase64();
}

CertificateOffer TlsTrust::offerFor(const QString &host, const QSslCertificate &peer)
{
    CertificateOffer offer;
    offer.host = host;
    offer.pin = spkiPin(peer);
    offer.subject = peer.subjectDisplayName();
    if (offer.subject.isEmpty())
        offer.subject = namesOf(peer);
    offer.issuer = peer.issuerDisplayName();
    offer.validFrom = peer.effectiveDate();
    offer.validUntil = peer.expiryDate();
    return offer;
}

TlsVerdict TlsTrust::judge(const TlsPolicy &policy, const QString &host, const QList<QSslError> &errors,
                           const QSslCertificate &peer)
{
    TlsVerdict verdict;
    bool untrusted = false;
    bool wrongHost = false;
    bool expired = false;
    bool notYetValid = false;
    QStringList other;
    for (const QSslError &error : errors) {
        if (isUntrustedIssuer(error.error()))
            untrusted = true;
        else if (error.error() == QSslError::HostNameMismatch)
            wrongHost = true;
        else if (error.error() == QSslError::CertificateExpired)
            expired = true;
        else if (error.error() == QSslError::CertificateNotYetValid)
            notYetValid = true;
        else
            other << error.errorString();
    }

    const auto refuseDates = [&]() -> bool {
        if (expired) {
            verdict.message = tr("The certificate of %1 expired on %2: renew it on the server, then connect "
                                 "again.")
                                  .arg(host, dateText(peer.expiryDate()));
            return true;
        }
        if (notYetValid) {
            verdict.message = tr("The certificate of %1 is valid only from %2: check the clock of this "
                                 "machine and of the server.")
                                  .arg(host, dateText(peer.effectiveDate()));
            return true;
        }
        return false;
    };

    if (policy.mode == TlsPolicy::Mode::Pinned) {
        const QByteArray pin = spkiPin(peer);
        if (pin.isEmpty() || !policy.pins.contains(pin)) {
            verdict.message = tr("The key of %1 (SHA-256 %2) matches neither pin of this profile. If the "
                                 "server's key was changed on purpose, update the pin; otherwise someone may "
                                 "be intercepting the connection.")
                                  .arg(host, QString::fromLatin1(pin));
            return verdict;
        }
        if (refuseDates() || !other.isEmpty()) {
            if (verdict.message.isEmpty())
                verdict.message =
                    tr("The TLS connection to %1 failed: %2").arg(host, other.join(QStringLiteral("; ")));
            return verdict;
        }
        verdict.accept = true;
        return verdict;
    }

    if (errors.isEmpty()) {
        verdict.accept = true;
        return verdict;
    }
    if (untrusted) {
        if (policy.mode == TlsPolicy::Mode::System && policy.offerUnknownCertificates && !peer.isNull()) {
            verdict.offer = offerFor(host, peer);
            verdict.message =
                tr("%1 presented a certificate that no authority this system trusts has signed. "
                   "Compare its fingerprint with the one its administrator gives you, then trust "
                   "it or cancel.")
                    .arg(host);
        } else if (policy.mode == TlsPolicy::Mode::CaCertificates) {
            verdict.message = tr("The certificate of %1 was issued by \"%2\", which is not the CA in this "
                                 "profile's CA file: choose the CA file that issued it, or pin its key.")
                                  .arg(host, peer.issuerDisplayName());
        } else {
            verdict.message =
                tr("The certificate of %1 was issued by \"%2\", which this system does not trust: "
                   "give the profile that CA's file, or pin the server's key.")
                    .arg(host, peer.issuerDisplayName());
        }
        return verdict;
    }
    if (wrongHost) {
        verdict.message = tr("The certificate is for %1, not %2: use the name it was issued for, or fix the "
                             "certificate.")
                              .arg(namesOf(peer), host);
        return verdict;
    }
    if (refuseDates())
        return verdict;
    verdict.message = tr("The TLS connection to %1 failed: %2").arg(host, other.join(QStringLiteral("; ")));
    return verdict;
}

} // namespace Meshdeck::Console
