// libFuzzer target for the registry's untrusted inputs: the first byte chooses between what an
// instance's health endpoint answers (parsed by hand) and a registration, heartbeat, drain or
// patch body (validated by hand after Qt's JSON parser). Invariants abort the run when broken.
#include "services/registry/healthresponse.h"
#include "services/registry/registryrequests.h"
#include "services/registry/registrytypes.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>
#include <cstdlib>

using namespace Meshdeck::Registry;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    switch (data[0] % 3) {
    case 0:
    case 1: {
        const HealthResponse r = parseHealthResponse(input, data[0] % 3 == 1);
        if (r.state == HealthResponse::State::Complete) {
            if (r.status < 100 || r.status > 599 || !r.output.startsWith(QLatin1String("HTTP ")) ||
                r.output.size() > 16 + 64 + 2 + 256)
                std::abort();
            for (QChar c : r.output) {
                if (c.category() == QChar::Other_Control)
                    std::abort(); // output is shown to people: no control characters
            }
        } else if (r.passed()) {
            std::abort();
        }
        break;
    }
    default: {
        const QJsonObject body = QJsonDocument::fromJson(input.toByteArray()).object();
        QString error;
        const auto reg = Registration::fromJson(QStringLiteral("svc"), body, &error);
        if (reg) {
            if (reg->port < 1 || reg->port > 65535 || reg->weight < 0 || reg->weight > 1000 ||
                !isValidAddress(reg->address) || reg->check.healthyThreshold < 1 ||
                reg->check.unhealthyThreshold < 1 ||
                (reg->check.active() &&
                 (reg->check.intervalMs < 100 || reg->check.slowMs >= reg->check.timeoutMs)) ||
                (!reg->check.active() && reg->check.ttlMs < 1000) || !error.isEmpty())
                std::abort();
            // What is stored must read back as the same check.
            QString again;
            const auto reread = CheckSpec::fromJson(reg->check.toJson(), &again);
            if (!reread || reread->toJson() != reg->check.toJson())
                std::abort();
        } else if (error.isEmpty()) {
            std::abort(); // a refusal always says why
        }
        // The same body as a heartbeat, a drain and a patch: values in range, or a refusal that
        // names its field and says why.
        // A refusal says why and names a field of the body (or the body itself when it is empty).
        // The field is looked for among the keys as they are: QJsonObject::contains() misses a key
        // holding a NUL, which the parser keeps and the refusal names exactly.
        const QStringList keys = body.keys();
        const auto refusalSaysWhy = [&keys](const Meshdeck::Error &e) {
            if (e.kind != Meshdeck::ErrorKind::Invalid || e.reason.isEmpty() ||
                !(keys.contains(e.field) || e.field == QLatin1String("body")))
                std::abort();
        };
        if (const auto beat = parseHeartbeat(body)) {
            if ((beat->inFlight && *beat->inFlight < 0) ||
                (beat->status && *beat->status == Status::Draining) ||
                (beat->output && beat->output->size() > 1024))
                std::abort();
        } else {
            refusalSaysWhy(beat.error());
        }
        if (const auto deadline = parseDrain(body, 30'000)) {
            if (*deadline < 0 || *deadline > 3'600'000)
                std::abort();
        } else {
            refusalSaysWhy(deadline.error());
        }
        if (const auto patch = parsePatch(body)) {
            if ((patch->weight && (*patch->weight < 0 || *patch->weight > 1000)) ||
                (!patch->weight && !patch->tags && !patch->metadata))
                std::abort();
        } else {
            refusalSaysWhy(patch.error());
        }
        break;
    }
    }
    return 0;
}
