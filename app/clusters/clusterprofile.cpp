#include "clusterprofile.h"

#include <QColor>
#include <QFileInfo>
#include <QSettings>

namespace Meshdeck::Console {

bool isValidPin(const QByteArray &pin)
{
    const auto decoded = QByteArray::fromBase64Encoding(pin, QByteArray::AbortOnBase64DecodingErrors);
    return decoded && decoded.decoded.size() == 32;
}

TlsPolicy ClusterProfile::tlsPolicy() const
{
    TlsPolicy policy;
    switch (trust) {
    case Trust::SystemCas:
        policy.mode = TlsPolicy::Mode::System;
        policy.offerUnknownCertificates = true; // no CA and no pin: ask on first contact
        break;
    case Trust::CaFile:
        policy.mode = TlsPolicy::Mode::CaCertificates;
        policy.caCertificates = QSslCertificate::fromPath(caFile, QSsl::Pem);
        break;
    case Trust::Pinned:
        policy.mode = TlsPolicy::Mode::Pinned;
        policy.pins << pin;
        if (!backupPin.isEmpty())
            policy.pins << backupPin;
        break;
    }
    return policy;
}

bool ClusterProfile::usesTls() const
{
    return std::any_of(urls.cbegin(), urls.cend(),
                       [](const QUrl &url) { return url.scheme() == QLatin1String("https"); });
}

QString ClusterProfile::validate() const
{
    if (name.trimmed().isEmpty())
        return tr("Give the profile a name.");
    if (urls.isEmpty())
        return tr("Add at least one node URL, for example https://node1.example:7700.");
    for (const QUrl &url : urls) {
        if (!url.isValid() || url.host().isEmpty() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return tr("\"%1\" is not a node URL: write it as http://HOST:PORT or https://HOST:PORT.")
                .arg(url.toString());
        if (url.path().size() > 1 || url.hasQuery() || url.hasFragment())
            return tr("\"%1\" has a path, query or fragment: give only the scheme, host and port.")
                .arg(url.toString());
    }
    if (credential == Credential::Password &&
        (email.trimmed().isEmpty() || !email.contains(QLatin1Char('@'))))
        return tr("Enter the email address you sign in with, for example ada@example.com.");
    if (!QColor::isValidColorName(colour))
        return tr("\"%1\" is not a colour: use a name or #RRGGBB.").arg(colour);
    switch (trust) {
    case Trust::SystemCas:
        break;
    case Trust::CaFile:
        if (caFile.isEmpty())
            return tr("Choose the CA certificate file (PEM) that issued the nodes' certificates.");
        if (!QFileInfo(caFile).isReadable())
            return tr("The CA file %1 cannot be read.").arg(caFile);
        break;
    case Trust::Pinned:
        if (!isValidPin(pin))
            return tr("The pin must be the base64 of a 32-byte SHA-256 of the certificate's public key "
                      "(44 characters ending in \"=\").");
        if (!backupPin.isEmpty() && !isValidPin(backupPin))
            return tr("The backup pin must be the base64 of a 32-byte SHA-256 of a public key, or empty.");
        break;
    }
    return {};
}

QString ClusterProfile::trustName(Trust trust)
{
    switch (trust) {
    case Trust::CaFile:
        return QStringLiteral("caFile");
    case Trust::Pinned:
        return QStringLiteral("pinned");
    case Trust::SystemCas:
        break;
    }
    return QStringLiteral("system");
}

QString ClusterProfile::credentialName(Credential credential)
{
    switch (credential) {
    case Credential::ApiKey:
        return QStringLiteral("apiKey");
    case Credential::Password:
        return QStringLiteral("password");
    case Credential::AdminToken:
        break;
    }
    return QStringLiteral("adminToken");
}

ClusterProfile::Credential ClusterProfile::credentialFromName(const QString &name)
{
    if (name == QLatin1String("apiKey"))
        return Credential::ApiKey;
    if (name == QLatin1String("password"))
        return Credential::Password;
    return Credential::AdminToken;
}

ClusterProfile::Trust ClusterProfile::trustFromName(const QString &name)
{
    if (name == QLatin1String("caFile"))
        return Trust::CaFile;
    if (name == QLatin1String("pinned"))
        return Trust::Pinned;
    return Trust::SystemCas;
}

void ClusterProfile::save(QSettings &settings) const
{
    settings.setValue(QStringLiteral("id"), id);
    settings.setValue(QStringLiteral("name"), name);
    QStringList urlTexts;
    for (const QUrl &url : urls)
        urlTexts << url.toString();
    settings.setValue(QStringLiteral("urls"), urlTexts);
    settings.setValue(QStringLiteral("colour"), colour);
    settings.setValue(QStringLiteral("trust"), trustName(trust));
    settings.setValue(QStringLiteral("caFile"), caFile);
    settings.setValue(QStringLiteral("pin"), QString::fromLatin1(pin));
    settings.setValue(QStringLiteral("backupPin"), QString::fromLatin1(backupPin));
    settings.setValue(QStringLiteral("credential"), credentialName(credential));
    settings.setValue(QStringLiteral("email"), email);
}

ClusterProfile ClusterProfile::load(const QSettings &settings)
{
    ClusterProfile p;
    p.id = settings.value(QStringLiteral("id")).toString();
    p.name = settings.value(QStringLiteral("name")).toString();
    const QStringList urlTexts = settings.value(QStringLiteral("urls")).toStringList();
    for (const QString &text : urlTexts)
        p.urls << QUrl(text);
    p.colour = settings.value(QStringLiteral("colour"), p.colour).toString();
    p.trust = trustFromName(settings.value(QStringLiteral("trust")).toString());
    p.caFile = settings.value(QStringLiteral("caFile")).toString();
    p.pin = settings.value(QStringLiteral("pin")).toString().toLatin1();
    p.backupPin = settings.value(QStringLiteral("backupPin")).toString().toLatin1();
    p.credential = credentialFromName(settings.value(QStringLiteral("credential")).toString());
    p.email = settings.value(QStringLiteral("email")).toString();
    return p;
}

} // namespace Meshdeck::Console
