-- The workbench's lists (api.md release 2, "Routes the workbench needs"): the day's appointments with the
-- persons booked, and divorces by stage, which needs the first day of the registration window (M-8: the
-- periods move with holidays, so the date is the event's, never recomputed in SQL).
ALTER TABLE appointments ADD COLUMN id_numbers text[] NOT NULL DEFAULT '{}';
UPDATE appointments a SET id_numbers = ARRAY(SELECT jsonb_array_elements_text(e.payload -> 'id_numbers'))
  FROM events e
 WHERE e.event_type = 'marriage.AppointmentBooked' AND e.payload ->> 'appointment_id' = a.appointment_id;
CREATE INDEX appointments_office_date ON appointments (office, date, appointment_id);

ALTER TABLE divorces ADD COLUMN register_from date;
UPDATE divorces d SET register_from = (e.payload ->> 'register_from')::date
  FROM events e
 WHERE e.event_type = 'marriage.DivorceApplied' AND e.payload ->> 'divorce_id' = d.divorce_id;
CREATE INDEX divorces_office_applied ON divorces (office, applied_on, divorce_id);
