pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Creates or edits a route: every field with the backend's reason under it when refused, a
// preview of what the change does (its changes, the routes it overlaps, the service's instances)
// before it is saved, and a conflict with someone else's save offered as a reload.
Dialog {
    id: dialog
    required property RouteEditor editor
    readonly property var errors: editor.fieldErrors
    // The route the form starts from (a plain object: its fields are read by name).
    readonly property var route: editor.route
    // The route's stored body limit in bytes, as the form was filled.
    property real storedMaxBody: 1048576
    // The route's own access-log sample (0 to 1) as the form was filled; null: the server's.
    property var storedSample: null
    // A percentage typed into the form as the API's share; text that is no number goes as it is,
    // for the backend to refuse next to the field.
    function shareOf(text) {
        const percent = Number(text.replace(",", "."))
        return isNaN(percent) ? text : percent / 100
    }
    // What the stored CORS policy sets beyond origins and credentials (the form does not edit it,
    // and sends it back as it was), as a line under the field; with the origins cleared, that
    // saving removes the whole policy.
    function corsExtras(cors, originsText) {
        if (!cors)
            return ""
        if (originsText.trim().length === 0)
            return qsTr("No origins: saving removes the route's CORS policy, whatever the API set in it.")
        let parts = []
        if ((cors.methods ?? []).length > 0)
            parts.push(qsTr("methods %1").arg(cors.methods.join(", ")))
        if ((cors.headers ?? []).length > 0)
            parts.push(qsTr("request headers %1").arg(cors.headers.join(", ")))
        if ((cors.exposeHeaders ?? []).length > 0)
            parts.push(qsTr("exposed headers %1").arg(cors.exposeHeaders.join(", ")))
        if (cors.maxAgeSeconds !== undefined && cors.maxAgeSeconds !== null)
            parts.push(qsTr("preflight cached %1 s").arg(cors.maxAgeSeconds))
        return parts.length === 0 ? "" : qsTr("Kept as stored when saved (the API sets these): %1").arg(parts.join("; "))
    }
    // The percentage the form shows for a share, at most three decimals ("" for the server's).
    function percentOf(share) {
        return share === null || share === undefined ? "" : String(Math.round(share * 100000) / 1000)
    }

    // The form as the API takes a route.
    function spec() {
        const split = text => text.split(",").map(s => s.trim()).filter(s => s.length > 0)
        return {
            name: nameField.text.trim(),
            match: {
                pathPrefix: prefixField.text.trim(),
                host: hostField.text.trim(),
                methods: split(methodsField.text).map(m => m.toUpperCase())
            },
            service: serviceField.text.trim(),
            stripPrefix: stripBox.checked,
            timeoutMs: timeoutBox.value,
            retries: retriesBox.value,
            auth: authBox.currentValue,
            rateLimit: limitBox.checked ? { requests: requestsBox.value, perSeconds: perSecondsBox.value,
                                            by: byBox.currentValue } : null,
            // The form shows origins and credentials; the rest of a stored policy (methods,
            // headers, exposeHeaders, maxAgeSeconds, set through the API) is sent back as it was.
            cors: split(originsField.text).length > 0
                  ? Object.assign({}, dialog.route.cors ?? {}, { origins: split(originsField.text),
                                                                credentials: credentialsBox.checked })
                  : null,
            balancer: balancerBox.currentValue,
            // The box counts KiB (a SpinBox holds an int; the API takes up to 16 GiB): a stored
            // limit that is not a whole KiB is sent back as it was unless the box was changed.
            maxBodyBytes: maxBodyBox.value === Math.ceil(dialog.storedMaxBody / 1024)
                          ? dialog.storedMaxBody : maxBodyBox.value * 1024,
            breaker: { failures: failuresBox.value, coolDownMs: coolDownBox.value,
                       halfOpenProbes: probesBox.value },
            // Percent in the form, a share in the API; unchanged text sends the stored share back
            // as it was, and an empty field the server's default.
            accessLogSample: sampleField.text.trim() === dialog.percentOf(dialog.storedSample)
                             ? dialog.storedSample
                             : sampleField.text.trim() === "" ? null
                             : dialog.shareOf(sampleField.text.trim())
        }
    }

    // Fills the form from the editor's route (a stored one, or the defaults of a new one).
    function fill() {
        const r = dialog.route
        const match = r.match ?? {}
        nameField.text = r.name ?? ""
        prefixField.text = match.pathPrefix ?? "/"
        hostField.text = match.host ?? ""
        methodsField.text = (match.methods ?? []).join(", ")
        serviceField.text = r.service ?? ""
        stripBox.checked = r.stripPrefix ?? false
        timeoutBox.value = r.timeoutMs ?? 15000
        retriesBox.value = r.retries ?? 1
        authBox.currentIndex = Math.max(0, authBox.indexOfValue(r.auth ?? "none"))
        limitBox.checked = r.rateLimit !== null && r.rateLimit !== undefined
        requestsBox.value = r.rateLimit?.requests ?? 1000
        perSecondsBox.value = r.rateLimit?.perSeconds ?? 60
        byBox.currentIndex = Math.max(0, byBox.indexOfValue(r.rateLimit?.by ?? "ip"))
        originsField.text = (r.cors?.origins ?? []).join(", ")
        credentialsBox.checked = r.cors?.credentials ?? false
        balancerBox.currentIndex = Math.max(0, balancerBox.indexOfValue(r.balancer ?? "round_robin"))
        dialog.storedMaxBody = r.maxBodyBytes ?? 1048576
        maxBodyBox.value = Math.ceil(dialog.storedMaxBody / 1024)
        failuresBox.value = r.breaker?.failures ?? 5
        coolDownBox.value = r.breaker?.coolDownMs ?? 30000
        probesBox.value = r.breaker?.halfOpenProbes ?? 1
        dialog.storedSample = r.accessLogSample ?? null
        sampleField.text = dialog.percentOf(dialog.storedSample)
    }

    objectName: "routeEditorDialog"
    title: editor.isNew ? qsTr("New route") : qsTr("Edit route %1 (version %2)").arg(dialog.route.name ?? "")
                                                                               .arg(editor.version)
    anchors.centerIn: Overlay.overlay
    modal: true
    width: Math.min(760, (Overlay.overlay ? Overlay.overlay.width : 800) - 40)
    height: Math.min(720, (Overlay.overlay ? Overlay.overlay.height : 760) - 40)
    focus: true
    closePolicy: Popup.CloseOnEscape

    Connections {
        target: dialog.editor
        function onRouteChanged() {
            dialog.fill()
        }
        function onSaved() {
            dialog.close()
        }
    }
    onOpened: fill()

    footer: RowLayout {
        spacing: 8
        Item {
            Layout.fillWidth: true
        }
        Button {
            objectName: "previewRouteButton"
            text: qsTr("Preview")
            Accessible.name: qsTr("Preview the change")
            enabled: !dialog.editor.busy
            onClicked: dialog.editor.preview(dialog.spec())
        }
        Button {
            objectName: "saveRouteButton"
            text: dialog.editor.isNew ? qsTr("Create") : qsTr("Save")
            Accessible.name: qsTr("Save the route")
            enabled: !dialog.editor.busy && dialog.editor.conflict.length === 0
            highlighted: true
            onClicked: dialog.editor.save(dialog.spec())
        }
        Button {
            text: qsTr("Cancel")
            Accessible.name: qsTr("Cancel editing the route")
            onClicked: dialog.close()
        }
        Item {
            implicitWidth: 4
        }
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        clip: true
        contentWidth: availableWidth

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 6

            // Someone else saved meanwhile: say who, offer their version.
            RowLayout {
                objectName: "routeConflict"
                visible: dialog.editor.conflict.length > 0
                spacing: 8
                Layout.fillWidth: true
                Label {
                    text: dialog.editor.conflict
                    color: Theme.critical
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                    Accessible.role: Accessible.StaticText
                    Accessible.name: text
                }
                Button {
                    text: qsTr("Reload")
                    Accessible.name: qsTr("Reload the route")
                    onClicked: dialog.editor.reload()
                }
            }
            Label {
                objectName: "routeEditorError"
                visible: text.length > 0
                text: dialog.editor.formError
                color: Theme.critical
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }

            GridLayout {
                columns: 2
                columnSpacing: Theme.spacing
                rowSpacing: 4
                Layout.fillWidth: true

                Label { text: qsTr("Name"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    Layout.fillWidth: true
                    TextField {
                        id: nameField
                        objectName: "routeName"
                        placeholderText: qsTr("billing")
                        Accessible.name: qsTr("Route name")
                        Layout.fillWidth: true
                    }
                    GatewayFieldError { field: "name"; errors: dialog.errors }
                }

                Label { text: qsTr("Path prefix"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    Layout.fillWidth: true
                    TextField {
                        id: prefixField
                        objectName: "routePathPrefix"
                        placeholderText: "/billing"
                        font.family: Theme.monospace
                        Accessible.name: qsTr("Path prefix")
                        Layout.fillWidth: true
                    }
                    GatewayFieldError { field: "match.pathPrefix"; errors: dialog.errors }
                }

                Label { text: qsTr("Host"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    Layout.fillWidth: true
                    TextField {
                        id: hostField
                        objectName: "routeHost"
                        placeholderText: qsTr("any host")
                        Accessible.name: qsTr("Host (empty: any host)")
                        Layout.fillWidth: true
                    }
                    GatewayFieldError { field: "match.host"; errors: dialog.errors }
                }

                Label { text: qsTr("Methods"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    Layout.fillWidth: true
                    TextField {
                        id: methodsField
                        objectName: "routeMethods"
                        placeholderText: qsTr("any method; or GET, POST")
                        Accessible.name: qsTr("Methods (comma separated; empty: any method)")
                        Layout.fillWidth: true
                    }
                    GatewayFieldError { field: "match.methods"; errors: dialog.errors }
                }

                Label { text: qsTr("Service"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    Layout.fillWidth: true
                    TextField {
                        id: serviceField
                        objectName: "routeService"
                        placeholderText: qsTr("a service of the registry")
                        Accessible.name: qsTr("Target service")
                        Layout.fillWidth: true
                    }
                    GatewayFieldError { field: "service"; errors: dialog.errors }
                }

                Label { text: qsTr("Prefix"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    CheckBox {
                        id: stripBox
                        text: qsTr("Strip the prefix before forwarding")
                        Accessible.name: text
                    }
                    GatewayFieldError { field: "stripPrefix"; errors: dialog.errors }
                }

                Label { text: qsTr("Timeout (ms)"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    SpinBox {
                        id: timeoutBox
                        from: 1
                        to: 300000
                        stepSize: 1000
                        editable: true
                        Accessible.name: qsTr("Timeout in milliseconds")
                    }
                    GatewayFieldError { field: "timeoutMs"; errors: dialog.errors }
                }

                Label { text: qsTr("Retries"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    SpinBox {
                        id: retriesBox
                        from: 0
                        to: 5
                        editable: true
                        Accessible.name: qsTr("Retries (idempotent requests, on another instance)")
                    }
                    GatewayFieldError { field: "retries"; errors: dialog.errors }
                }

                Label { text: qsTr("Authentication"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    ComboBox {
                        id: authBox
                        Accessible.name: qsTr("Authentication at the edge")
                        textRole: "text"
                        valueRole: "value"
                        implicitContentWidthPolicy: ComboBox.WidestText
                        model: [{ value: "none", text: qsTr("None") },
                                { value: "required", text: qsTr("Required (a token or an API key)") }]
                    }
                    GatewayFieldError { field: "auth"; errors: dialog.errors }
                }

                Label { text: qsTr("Rate limit"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    Layout.fillWidth: true
                    CheckBox {
                        id: limitBox
                        text: qsTr("Limit each consumer's requests")
                        Accessible.name: qsTr("Rate limit")
                    }
                    RowLayout {
                        enabled: limitBox.checked
                        spacing: 6
                        SpinBox {
                            id: requestsBox
                            from: 1
                            to: 1000000000
                            editable: true
                            Accessible.name: qsTr("Rate limit: requests")
                        }
                        Label { text: qsTr("requests per"); color: Theme.mutedText }
                        SpinBox {
                            id: perSecondsBox
                            from: 1
                            to: 86400
                            editable: true
                            Accessible.name: qsTr("Rate limit: per seconds")
                        }
                        Label { text: qsTr("s, by"); color: Theme.mutedText }
                        ComboBox {
                            id: byBox
                            Accessible.name: qsTr("Rate limit: consumer")
                            textRole: "text"
                            valueRole: "value"
                            implicitContentWidthPolicy: ComboBox.WidestText
                            model: [{ value: "ip", text: qsTr("client address") },
                                    { value: "key", text: qsTr("API key") },
                                    { value: "user", text: qsTr("user") }]
                        }
                    }
                    GatewayFieldError { field: "rateLimit"; errors: dialog.errors }
                    GatewayFieldError { field: "rateLimit.requests"; errors: dialog.errors }
                    GatewayFieldError { field: "rateLimit.perSeconds"; errors: dialog.errors }
                    GatewayFieldError { field: "rateLimit.by"; errors: dialog.errors }
                }

                Label { text: qsTr("CORS origins"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    Layout.fillWidth: true
                    TextField {
                        id: originsField
                        objectName: "routeCorsOrigins"
                        placeholderText: qsTr("none (no CORS headers); or https://app.example.test")
                        Accessible.name: qsTr("CORS origins (comma separated; empty: no CORS)")
                        Layout.fillWidth: true
                    }
                    CheckBox {
                        id: credentialsBox
                        text: qsTr("Allow credentials (cookies) from these origins")
                        Accessible.name: qsTr("CORS: allow credentials")
                    }
                    Label {
                        objectName: "routeCorsExtras"
                        text: dialog.corsExtras(dialog.route.cors, originsField.text)
                        visible: text.length > 0
                        color: Theme.mutedText
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                    GatewayFieldError { field: "cors"; errors: dialog.errors }
                    GatewayFieldError { field: "cors.origins"; errors: dialog.errors }
                    GatewayFieldError { field: "cors.credentials"; errors: dialog.errors }
                }

                Label { text: qsTr("Load balancing"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    ComboBox {
                        id: balancerBox
                        Accessible.name: qsTr("Load balancing")
                        textRole: "text"
                        valueRole: "value"
                        implicitContentWidthPolicy: ComboBox.WidestText
                        model: [{ value: "round_robin", text: qsTr("Round robin") },
                                { value: "weighted", text: qsTr("Weighted (the registry's weights)") },
                                { value: "least_outstanding", text: qsTr("Least outstanding requests") }]
                    }
                    GatewayFieldError { field: "balancer"; errors: dialog.errors }
                }

                Label { text: qsTr("Largest body (KiB)"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    SpinBox {
                        id: maxBodyBox
                        from: 0
                        to: 16777216
                        stepSize: 64
                        editable: true
                        Accessible.name: qsTr("Largest request body in KiB")
                    }
                    GatewayFieldError { field: "maxBodyBytes"; errors: dialog.errors }
                }

                Label { text: qsTr("Access log sample (%)"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    TextField {
                        id: sampleField
                        objectName: "accessLogSampleField"
                        Layout.preferredWidth: 160
                        placeholderText: qsTr("server default")
                        // 0 to 100, at most three decimals.
                        validator: RegularExpressionValidator {
                            regularExpression: /^(100([.,]0{0,3})?|[0-9]{0,2}([.,][0-9]{0,3})?)$/
                        }
                        Accessible.name: qsTr("Share of answers written to the access log, in percent")
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("5xx answers and the gateway's refusals are always logged. Empty: the server's --gateway-access-log-sample.")
                    }
                    GatewayFieldError { field: "accessLogSample"; errors: dialog.errors }
                }

                Label { text: qsTr("Circuit breaker"); color: Theme.text }
                ColumnLayout {
                    spacing: 2
                    Layout.fillWidth: true
                    RowLayout {
                        spacing: 6
                        Label { text: qsTr("opens after"); color: Theme.mutedText }
                        SpinBox {
                            id: failuresBox
                            from: 1
                            to: 1000
                            editable: true
                            Accessible.name: qsTr("Breaker: consecutive failures before it opens")
                        }
                        Label { text: qsTr("failures, cools down"); color: Theme.mutedText }
                        SpinBox {
                            id: coolDownBox
                            from: 100
                            to: 3600000
                            stepSize: 1000
                            editable: true
                            Accessible.name: qsTr("Breaker: cool-down in milliseconds")
                        }
                        Label { text: qsTr("ms, probes"); color: Theme.mutedText }
                        SpinBox {
                            id: probesBox
                            from: 1
                            to: 100
                            editable: true
                            Accessible.name: qsTr("Breaker: half-open probe requests")
                        }
                    }
                    GatewayFieldError { field: "breaker"; errors: dialog.errors }
                    GatewayFieldError { field: "breaker.failures"; errors: dialog.errors }
                    GatewayFieldError { field: "breaker.coolDownMs"; errors: dialog.errors }
                    GatewayFieldError { field: "breaker.halfOpenProbes"; errors: dialog.errors }
                }
            }

            // What the change does, before it is saved.
            Card {
                objectName: "routePreview"
                visible: dialog.editor.hasPreview
                title: dialog.editor.previewValid ? qsTr("Preview: what saving does")
                                                  : qsTr("Preview: this route would be refused (see the fields)")
                Layout.fillWidth: true

                Label {
                    visible: dialog.editor.previewChanges.length === 0
                    text: dialog.editor.isNew ? qsTr("A new route.") : qsTr("Nothing changes.")
                    color: Theme.mutedText
                }
                Repeater {
                    model: dialog.editor.previewChanges
                    delegate: Label {
                        required property string modelData
                        text: "• " + modelData
                        color: Theme.text
                        font.family: Theme.monospace
                        wrapMode: Text.WrapAnywhere
                        Layout.fillWidth: true
                        Accessible.role: Accessible.StaticText
                        Accessible.name: modelData
                    }
                }
                Repeater {
                    model: dialog.editor.previewOverlaps
                    delegate: Label {
                        required property string modelData
                        text: "• " + modelData
                        color: Theme.warning
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                        Accessible.role: Accessible.StaticText
                        Accessible.name: modelData
                    }
                }
                Label {
                    text: dialog.editor.previewService
                    color: Theme.mutedText
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                    Accessible.role: Accessible.StaticText
                    Accessible.name: text
                }
            }
        }
    }
}
