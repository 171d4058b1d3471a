#include "display_format.h"

#include "language.h"

#include <QStringList>

namespace anju {

QString DisplayFormat::label(const synccore::LocalizedText& text) {
  return chosen(text.zh, text.en);
}

QString DisplayFormat::text(const synccore::FieldDef& field, const synccore::Value& value) {
  using synccore::FieldType;
  if (value.is_null()) return {};
  switch (field.type) {
    case FieldType::SingleChoice: {
      const auto* option = value.is_string() ? field.option(value.get<std::string>()) : nullptr;
      return option ? label(option->labels) : QString::fromStdString(value.dump());
    }
    case FieldType::MultipleChoice: {
      QStringList parts;
      for (const auto& code : value)
        if (const auto* option = code.is_string() ? field.option(code.get<std::string>()) : nullptr)
          parts << label(option->labels);
      return parts.join(Language::isEnglish() ? QStringLiteral(", ") : QStringLiteral("、"));
    }
    case FieldType::YesNo:
      return value == true ? QObject::tr("是") : QObject::tr("否");
    case FieldType::Integer:
    case FieldType::Decimal: {
      QString number = value.is_number_integer() ? QString::number(value.get<int64_t>())
                                                 : QString::number(value.get<double>(), 'g', 12);
      return field.unit ? number + QLatin1Char(' ') + label(*field.unit) : number;
    }
    default:
      return value.is_string() ? QString::fromStdString(value.get<std::string>())
                               : QString::fromStdString(value.dump());
  }
}

QString DisplayFormat::chosen(const std::string& zh, const std::string& en) {
  return QString::fromStdString(Language::isEnglish() && !en.empty() ? en : zh);
}

QString DisplayFormat::failure(const synccore::ValidationFailure& failure) {
  return chosen(failure.messageZh, failure.messageEn);
}

QString DisplayFormat::mask(const QString& value) {
  if (value.size() <= 4) return value;
  return QString(value.size() - 4, QChar(0x2022)) + value.right(4);
}

QVariant DisplayFormat::toVariant(const synccore::Value& value) {
  if (value.is_null()) return {};
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer()) return QVariant::fromValue<qlonglong>(value.get<int64_t>());
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) return QString::fromStdString(value.get<std::string>());
  if (value.is_array()) return texts(value);
  return QString::fromStdString(value.dump());
}

QStringList DisplayFormat::texts(const synccore::Value& list) {
  QStringList out;
  if (list.is_array())
    for (const auto& v : list)
      if (v.is_string()) out << QString::fromStdString(v.get<std::string>());
  return out;
}

}  // namespace anju
