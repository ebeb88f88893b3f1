// libFuzzer target for the document-permission parser (storage/permissionsyntax.h), hand-written
// and fed by request bodies. Invariants that must hold for any input abort the run when broken:
// a refusal says why; an accepted permission prints back to exactly its input and parses again to
// the same value; an accepted role is one of the five forms.
#include "storage/permissionsyntax.h"

#include <cstdint>
#include <cstdlib>

using namespace Meshdeck::Storage::DocumentPermissions;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const Parsed parsed = parse(text);
    if (!parsed.permission) {
        if (parsed.reason.isEmpty())
            std::abort();
        return 0;
    }
    const QString printed = print(*parsed.permission);
    if (printed != text)
        std::abort();
    const Parsed again = parse(printed);
    if (!again.permission || !(*again.permission == *parsed.permission))
        std::abort();
    const QString &role = parsed.permission->role;
    if (!isValidRole(role) || role.contains(u'"') || role.contains(u' '))
        std::abort();
    return 0;
}
