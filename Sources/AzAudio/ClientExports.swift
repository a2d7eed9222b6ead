import AzAudioCore
import CAzAudio
import Glibc

@c @implementation
public func azaudio_client_options_init(_ options: UnsafeMutablePointer<azaudio_client_options>!) -> azaudio_result {
    guard let options else { return fail(.invalidArgument, "azaudio_client_options_init: options is NULL") }
    options.pointee = ClientOptionsABI.defaults
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_client_create(
    _ options: UnsafePointer<azaudio_client_options>!, _ outClient: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    guard let outClient else { return fail(.invalidArgument, "azaudio_client_create: out_client is NULL") }
    do throws(AzError) {
        let configuration = try ClientOptionsABI.configuration(try ClientOptionsABI.read(options))
        let client = try ServiceClient(configuration: configuration)
        outClient.pointee = ClientHandle(client: client).retainedPointer()
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_client_create"))
    }
}

@c @implementation
public func azaudio_client_create_from_env(
    _ options: UnsafePointer<azaudio_client_options>!, _ outClient: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    guard let outClient else { return fail(.invalidArgument, "azaudio_client_create_from_env: out_client is NULL") }
    do throws(AzError) {
        var o = options == nil ? ClientOptionsABI.defaults : try ClientOptionsABI.read(options)
        guard o.endpoint == nil, o.api_key == nil, o.bearer_token == nil, o.token_provider == nil else {
            throw AzError.invalidArgument(
                "options must not set endpoint or credentials: they come from the environment")
        }
        let env = EnvironmentSettings.read()
        guard let endpoint = env.endpoint else {
            throw AzError.invalidArgument("AZURE_OPENAI_ENDPOINT is not set")
        }
        guard env.apiKey != nil || env.adToken != nil else {
            throw AzError.invalidArgument("neither AZURE_OPENAI_API_KEY nor AZURE_OPENAI_AD_TOKEN is set")
        }
        // Keep C copies of the environment's strings alive while the options point at them.
        let endpointText = OwnedCString(endpoint)
        let keyText = env.apiKey.map(OwnedCString.init)
        let tokenText = env.apiKey == nil ? env.adToken.map(OwnedCString.init) : nil
        let versionText = env.apiVersion.map(OwnedCString.init)
        return try withExtendedLifetime((endpointText, keyText, tokenText, versionText)) { () throws(AzError) in
            o.endpoint = UnsafePointer(endpointText.pointer)
            o.api_key = keyText.map { UnsafePointer($0.pointer) }
            o.bearer_token = tokenText.map { UnsafePointer($0.pointer) }
            if let versionText { o.api_version = UnsafePointer(versionText.pointer) }
            let configuration = try ClientOptionsABI.configuration(o)
            let client = try ServiceClient(configuration: configuration)
            outClient.pointee = ClientHandle(client: client).retainedPointer()
            return AZAUDIO_OK
        }
    } catch {
        return fail(prefixed(error, "azaudio_client_create_from_env"))
    }
}

@c @implementation
public func azaudio_client_destroy(_ client: OpaquePointer!) {
    guard let client else { return }
    Unmanaged<ClientHandle>.fromOpaque(UnsafeRawPointer(client)).release()
}

@c @implementation
public func azaudio_client_endpoint(_ client: OpaquePointer!) -> UnsafePointer<CChar>! {
    guard let client else { return nil }
    return UnsafePointer(ClientHandle.from(client).endpointText.pointer)
}

@c @implementation
public func azaudio_client_last_error(
    _ client: OpaquePointer!, _ details: UnsafeMutablePointer<azaudio_error_details>!
) -> azaudio_result {
    guard let client else { return fail(.invalidArgument, "azaudio_client_last_error: client is NULL") }
    return ErrorDetailsABI.fill(
        ClientHandle.from(client).lastError, into: details, function: "azaudio_client_last_error")
}

/// The environment variables openai-python's AzureOpenAI reads.
struct EnvironmentSettings {
    var endpoint: String?
    var apiKey: String?
    var adToken: String?
    var apiVersion: String?

    static func read() -> EnvironmentSettings {
        func value(_ name: String) -> String? {
            guard let raw = getenv(name) else { return nil }
            let text = String(cString: raw)
            return text.isEmpty ? nil : text
        }
        return EnvironmentSettings(
            endpoint: value("AZURE_OPENAI_ENDPOINT"), apiKey: value("AZURE_OPENAI_API_KEY"),
            adToken: value("AZURE_OPENAI_AD_TOKEN"), apiVersion: value("OPENAI_API_VERSION"))
    }
}

/// Puts the function's name in front of a message so the caller knows which call said it.
func prefixed(_ error: AzError, _ function: String) -> AzError {
    var e = error
    e.message = "\(function): \(e.message)"
    return e
}
