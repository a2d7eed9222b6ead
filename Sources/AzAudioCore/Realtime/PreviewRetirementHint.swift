/// Azure retired the preview realtime api-versions in 2026 (GA only since): an error from a preview URL says so
/// and names the GA protocol, instead of leaving a bare 404 or 400 to decode.
extension RealtimeProtocol {
    /// `error` with a pointer to the GA protocol appended when this is the preview protocol and the service
    /// refused the connection or the session (an HTTP status, or a service error code); other errors unchanged.
    public func suggestingGA(_ error: AzError) -> AzError {
        guard case .preview(let version) = self, error.httpStatus != 0 || !error.serviceCode.isEmpty else {
            return error
        }
        var hinted = error
        hinted.message +=
            " (this was the preview realtime protocol, api-version \(version), which Azure retired "
            + "in 2026: use the GA protocol, /openai/v1/realtime?model=DEPLOYMENT, the default)"
        return hinted
    }
}
