#pragma once

#include "platform/clock.h"
#include "platform/principal.h"
#include "platform/result.h"

#include <QCoroTask>

#include <QString>
#include <QStringList>

#include <functional>

namespace Meshdeck::Chat {

class ChatService;
class ChatExtrasService;

// A demo user as the seed needs it; `password` is set only when the user was created now.
struct DemoUser {
    QString id;
    QString name;
    QString password;
};
// Finds the user with this email or creates them (a random password); the wiring layer answers
// it through the auth service, which the chat code does not see.
using EnsureDemoUser = std::function<QCoro::Task<Result<DemoUser>>(QString email, QString name, Role role)>;

struct DemoSummary {
    QStringList lines;   // what was made or found, for the person who ran it
    int rooms = 0;       // demo rooms present after the run
    qint64 messages = 0; // messages in them
    int invitations = 0; // active demo invitations
    int reports = 0;     // demo reports
};

// `meshdeckd --seed-demo`: users demo-alice, demo-bob, demo-carol (user) and demo-sam (support);
// rooms demo-general (public), demo-ops (private) and a direct room of alice and bob, with about
// 3000 messages over the last days; one active invitation and one open report. Every room is
// marked demo. Fixed ids and idempotency keys make a second run add nothing.
QCoro::Task<Result<DemoSummary>> seedDemo(ChatService *chat, ChatExtrasService *extras,
                                          EnsureDemoUser ensureUser, const Clock *clock);

} // namespace Meshdeck::Chat
