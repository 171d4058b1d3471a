#pragma once
// Online requests of supervisors and auditors (conflicts, audit log) with the signed-in token.
#include "synccore/http_client.h"

#include <QObject>
#include <QString>

#include <functional>
#include <map>
#include <string>

namespace anju {

/// Sends one request to the sync server off the GUI thread; the answer arrives on the GUI thread.
class ServerApi : public QObject {
  Q_OBJECT
 public:
  using Callback = std::function<void(const synccore::HttpResult&)>;
  explicit ServerApi(QObject* parent = nullptr) : QObject(parent) {}

  void get(const std::string& path, std::map<std::string, std::string> query, Callback done);
  void post(const std::string& path, synccore::Json body, Callback done);
  /// A file (CSV, XLSX): the answer's body holds its bytes.
  void download(const std::string& path, std::map<std::string, std::string> query, Callback done);
  /// What went wrong, in the current language: the server's JSON message, else the transport's words.
  static QString errorText(const synccore::HttpResult& result);

 private:
  void run(std::function<synccore::HttpResult(synccore::HttpClient&)> request, Callback done);
};

}  // namespace anju
