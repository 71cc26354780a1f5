#pragma once
// The Chinese beside every refusal (`message_zh` of the error JSON, docs/API.md
// "Refusals"): the services' messages are English; this reads the common ones
// (access refusals, records not found, bad year or area, the need and pledge
// states) into Chinese with the names and numbers they carry, and gives every
// other message the Chinese sentence of its code. The web UI shows it.
#include <string>

namespace fupin::server {

// `code` is the wire name of the error ("permission_denied", see
// ErrorCodeName) or of an HTTP status the transport answers by itself.
std::string MessageZh(const std::string& code, const std::string& message);

}  // namespace fupin::server
