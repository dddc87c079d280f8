#include "oauth_core/token_response.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace sa::oauth {

http::Response token_response(const TokenResponse& body) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("access_token");
  w.String(body.access_token.c_str(), static_cast<rapidjson::SizeType>(body.access_token.size()));
  w.Key("token_type");
  w.String("Bearer");
  w.Key("expires_in");  // SMART App Launch 2.2, App Launch: a JSON number
  w.Int64(body.expires_in);
  w.Key("scope");
  w.String(body.scope.c_str(), static_cast<rapidjson::SizeType>(body.scope.size()));
  if (body.refresh_token) {
    w.Key("refresh_token");
    w.String(body.refresh_token->c_str(),
             static_cast<rapidjson::SizeType>(body.refresh_token->size()));
  }
  if (body.id_token) {
    w.Key("id_token");
    w.String(body.id_token->c_str(), static_cast<rapidjson::SizeType>(body.id_token->size()));
  }
  if (body.context_json) {
    // The launch context's members, written into this object (SMART App Launch 2.2 "Launch
    // context": siblings of access_token). The text was written by this server as an object.
    rapidjson::Document context;
    context.Parse(body.context_json->data(), body.context_json->size());
    if (!context.HasParseError() && context.IsObject()) {
      for (const auto& member : context.GetObject()) {
        member.name.Accept(w);
        member.value.Accept(w);
      }
    }
  }
  w.EndObject();
  // RFC 6749 §5.1: no-store and no-cache are set by the router for the (non-cacheable) token
  // route.
  return http::Response::json(200, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace sa::oauth
