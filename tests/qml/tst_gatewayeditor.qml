import QtQuick
import QtQuick.Controls
import QtTest
import Meshdeck.Core
import Meshdeck.Pages

Item {
    id: root
    width: 1000
    height: 800

    Component {
        id: editorComponent
        GatewayRouteEditor {
            editor: Console.gateway.editor
        }
    }

    TestCase {
        name: "GatewayRouteEditor"
        when: windowShown

        // A route set up through the API with CORS methods, headers, exposed headers and a max age
        // the form does not edit: saving it from the console keeps them, and the form says so.
        function test_savingKeepsTheCorsFieldsTheFormDoesNotShow() {
            const dialog = createTemporaryObject(editorComponent, root)
            verify(dialog)
            dialog.editor.edit("r-web")
            tryCompare(dialog.editor, "routeId", "r-web")
            dialog.open()
            tryCompare(dialog, "opened", true)
            const origins = findChild(dialog, "routeCorsOrigins")
            compare(origins.text, "https://app.example.test")
            const extras = findChild(dialog, "routeCorsExtras")
            verify(extras.visible)
            compare(extras.text, "Kept as stored when saved (the API sets these): methods GET, PUT; "
                                 + "request headers X-Trace; exposed headers X-Total; preflight cached 120 s")

            // An origin changed in the form: the new origins, the rest of the policy as stored.
            origins.text = "https://app.example.test, https://admin.example.test"
            const cors = dialog.spec().cors
            compare(cors.origins, ["https://app.example.test", "https://admin.example.test"])
            compare(cors.credentials, true)
            compare(cors.methods, ["GET", "PUT"])
            compare(cors.headers, ["X-Trace"])
            compare(cors.exposeHeaders, ["X-Total"])
            compare(cors.maxAgeSeconds, 120)

            // No origins: no CORS at all, as the field's name says, and the line says so.
            origins.text = ""
            compare(dialog.spec().cors, null)
            compare(extras.text, "No origins: saving removes the route's CORS policy, whatever the API set in it.")

            // A new route starts with no policy and no extras line.
            dialog.editor.createNew()
            tryCompare(dialog.editor, "isNew", true)
            compare(findChild(dialog, "routeCorsExtras").visible, false)
            origins.text = "https://app.example.test"
            compare(JSON.stringify(dialog.spec().cors), JSON.stringify({ origins: ["https://app.example.test"],
                                                                          credentials: false }))
            dialog.close()
        }
    }
}
