#pragma once

#include "api/tlstrust.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QUrl>

class QSettings;

namespace Meshdeck::Console {

// One remote cluster the console can attach to. Everything here is stored in QSettings; the
// credential is not a member: it lives only in the keychain, under secretKey(). For a Password
// profile that is the session's refresh token (rotated on every refresh); the password itself is
// never stored anywhere.
struct ClusterProfile {
    Q_DECLARE_TR_FUNCTIONS(ClusterProfile)
public:
    enum class Trust { SystemCas, CaFile, Pinned };
    enum class Credential { AdminToken, ApiKey, Password };

    QString id; // stable across renames: the keychain key is made from it
    QString name;
    QList<QUrl> urls;
    QString colour = QStringLiteral("#3f7fbf");
    Trust trust = Trust::SystemCas;
    QString caFile;
    QByteArray pin;       // base64 SHA-256 of the leaf certificate's SubjectPublicKeyInfo
    QByteArray backupPin; // optional second pin, for a planned key change
    Credential credential = Credential::AdminToken;
    QString email; // Password: who signs in (prefilled in the sign-in form)

    // What the console's HTTP and WebSocket clients accept from this profile's nodes.
    TlsPolicy tlsPolicy() const;
    QString secretKey() const { return QStringLiteral("profile/") + id; }
    bool usesTls() const;

    // Every problem of this profile alone, in words a person can act on; empty when valid.
    QString validate() const;

    static QString trustName(Trust trust);
    static QString credentialName(Credential credential);
    static Credential credentialFromName(const QString &name);
    static Trust trustFromName(const QString &name);

    void save(QSettings &settings) const;
    static ClusterProfile load(const QSettings &settings);
};

// Whether `pin` is the base64 of 32 bytes, as a SPKI SHA-256 pin must be.
bool isValidPin(const QByteArray &pin);

} // namespace Meshdeck::Console
