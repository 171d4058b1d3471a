#include "server_api.h"

#include "display_format.h"
#include "session.h"

#include <QFutureWatcher>
#include <QtConcurrent>

namespace anju {

void ServerApi::get(const std::string& path, std::map<std::string, std::string> query, Callback done) {
  run([path, query = std::move(query)](synccore::HttpClient& http) { return http.get(path, query); },
      std::move(done));
}

void ServerApi::download(const std::string& path, std::map<std::string, std::string> query, Callback done) {
  run([path, query = std::move(query)](synccore::HttpClient& http) { return http.download(path, query); },
      std::move(done));
}

void ServerApi::post(const std::string& path, synccore::Json body, Callback done) {
  run([path, body = std::move(body)](synccore::HttpClient& http) { return http.postJson(path, body); },
      std::move(done));
}

void ServerApi::run(std::function<synccore::HttpResult(synccore::HttpClient&)> request, Callback done) {
  auto& store = Session::instance()->store();
  synccore::HttpOptions options;
  options.caFile = store.setting("ca_file");
  const std::string server = store.setting("server_url");
  const std::string token = store.setting("token");
  auto* watcher = new QFutureWatcher<synccore::HttpResult>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [watcher, done = std::move(done)] {
    done(watcher->result());
    watcher->deleteLater();
  });
  watcher->setFuture(QtConcurrent::run([server, token, options, request = std::move(request)] {
    synccore::HttpClient http(server, options);
    http.setBearerToken(token);
    return request(http);
  }));
}

QString ServerApi::errorText(const synccore::HttpResult& result) {
  if (result.json.is_object() && result.json.contains("message"))
    return DisplayFormat::chosen(result.json.value("message_zh", ""), result.json.value("message", ""));
  return DisplayFormat::chosen(result.messageZh, result.messageEn);
}

}  // namespace anju
