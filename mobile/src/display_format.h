#pragma once
// How stored values read to a grid worker: option labels in the chosen language, masked secrets.
#include "synccore/survey_definition.h"
#include "synccore/validation.h"

#include <QString>
#include <QStringList>
#include <QVariant>

namespace anju {

/// Turns survey values into text and back, in the current language.
class DisplayFormat {
 public:
  static QString label(const synccore::LocalizedText& text);
  /// A value as a worker reads it ("常住户", "是", "85.5 平方米"); empty for no answer.
  static QString text(const synccore::FieldDef& field, const synccore::Value& value);
  /// All but the last four characters hidden ("••••••••••••••002X").
  static QString mask(const QString& value);
  /// A broken rule's message in the current language.
  static QString failure(const synccore::ValidationFailure& failure);
  /// The Chinese or English text of a message that carries both.
  static QString chosen(const std::string& zh, const std::string& en);
  /// A JSON value as a QML value (string, number, bool, list of strings, or undefined for null).
  static QVariant toVariant(const synccore::Value& value);
  /// The text members of a JSON list, in order (others left out); empty for anything but a list.
  static QStringList texts(const synccore::Value& list);
};

}  // namespace anju
