-- Public statistics: decisions counted per month (in the state's own time), agency and service, kept in the same
-- transaction as each decision, so that the dashboard and the open data read a small table instead of scanning
-- every application. Filled here from the applications already decided (time zones as in calendars/*.yaml).
CREATE TABLE stats_decisions (
  month             date NOT NULL,
  state             char(2) NOT NULL,
  agency_code       text NOT NULL,
  service_code      text NOT NULL,
  approved          integer NOT NULL DEFAULT 0,
  rejected          integer NOT NULL DEFAULT 0,
  on_time           integer NOT NULL DEFAULT 0,
  decision_seconds  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (month, agency_code, service_code)
);

INSERT INTO stats_decisions (month, state, agency_code, service_code, approved, rejected, on_time, decision_seconds)
SELECT date_trunc('month', local_closed)::date, state, agency_code, service_code,
       count(*) FILTER (WHERE status = 'approved'),
       count(*) FILTER (WHERE status = 'rejected'),
       count(*) FILTER (WHERE local_closed::date <= deadline),
       coalesce(sum(extract(epoch FROM closed_at - submitted_at))::bigint, 0)
FROM (
  SELECT a.*, a.closed_at AT TIME ZONE CASE a.state
      WHEN 'KZ' THEN 'Asia/Almaty' WHEN 'AZ' THEN 'Asia/Baku' WHEN 'KG' THEN 'Asia/Bishkek'
      WHEN 'TR' THEN 'Europe/Istanbul' WHEN 'UZ' THEN 'Asia/Tashkent' ELSE 'UTC' END AS local_closed
  FROM applications a
  WHERE a.status IN ('approved', 'rejected') AND a.closed_at IS NOT NULL
) decided
GROUP BY 1, 2, 3, 4;
